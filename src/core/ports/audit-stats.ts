/** A rollup bucket's width: an hour or a day, both aligned to UTC. */
export type RollupGrain = 'hour' | 'day';

/**
 * How many audit entries of one kind fell in one bucket. `dimension` is `''` for the total of
 * (event, outcome) in the bucket; any other value (`method=totp`, `duration=57`, …) counts the entries that
 * carry that attribute (see `rollupDimensions`), so an entry is counted once in the total and once per
 * dimension it has.
 */
export interface RollupCount {
  /** The bucket's start, epoch milliseconds (UTC hour or day). */
  bucket: number;
  event: string;
  outcome: string;
  dimension: string;
  count: number;
}

/** What to count: one tenant, buckets of one grain whose start lies in [from, to). */
export interface RollupQuery {
  tenantId: string;
  grain: RollupGrain;
  from: Date;
  to: Date;
  /** Only these events (all when absent). */
  events?: readonly string[];
}

/**
 * Audit counts per time bucket, kept as entries are written (in the same transaction), so figures over 90
 * days cost a read of a few thousand rows, not a scan of millions of entries.
 */
export interface AuditStats {
  counts(query: RollupQuery): Promise<RollupCount[]>;
}
