import type { Insertable, Kysely, QueryCreator } from 'kysely';
import { rollupDimensions } from '../../core/admin/rollup-dimensions.js';
import { UnlatchError } from '../../core/errors.js';
import type { AuditStats, RollupCount, RollupGrain, RollupQuery } from '../../core/ports/audit-stats.js';
import type { AuditRollupTable, Database } from './schema.js';

/** What the rollup needs of an entry. */
export interface RollupEntry {
  tenantId: string;
  /** Epoch milliseconds. */
  at: number;
  event: string;
  outcome: string;
  /** The chain the entry was appended to (the rollup row's shard). */
  chain: number;
  details: Readonly<Record<string, unknown>>;
}

export type RollupRow = Insertable<AuditRollupTable>;

/** The one dimension a canary flow's entry is counted under (never `''`, the total every figure reads). */
export const CANARY_DIMENSION = 'canary';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const GRAINS = [
  { grain: 'h', width: HOUR_MS },
  { grain: 'd', width: DAY_MS },
] as const;

/** `h` or `d`, the stored spelling of a grain. */
export function grainCode(grain: RollupGrain): 'h' | 'd' {
  return grain === 'hour' ? 'h' : 'd';
}

/**
 * The rollup rows for some entries, added up: each entry counts once in its (event, outcome) total
 * (dimension `''`) and once per dimension it has, in its hour and in its day. Rows with the same key are
 * merged, so one upsert statement never touches a row twice (PostgreSQL refuses that).
 */
export function rollupRowsOf(entries: readonly RollupEntry[], into: Map<string, RollupRow> = new Map()): Map<string, RollupRow> {
  for (const entry of entries) {
    // A canary's flow (the synthetic check) is not a person's: counted only under the dimension `canary`, which
    // no figure asks for, so the console leaves it out as the SLIs do. The event's name is still in the rollup
    // (the audit search finds its entries by it) and an append of canary entries alone still upserts a row.
    const dimensions = entry.details.canary === true ? [CANARY_DIMENSION] : ['', ...rollupDimensions(entry.event, entry.details)];
    for (const { grain, width } of GRAINS) {
      const bucket = Math.floor(entry.at / width) * width;
      for (const dimension of dimensions) {
        const key = `${entry.tenantId}\u0000${grain}\u0000${bucket}\u0000${entry.event}\u0000${entry.outcome}\u0000${dimension}\u0000${entry.chain}`;
        const row = into.get(key);
        if (row) row.count = Number(row.count) + 1;
        else into.set(key, { tenant_id: entry.tenantId, grain, bucket, event: entry.event, outcome: entry.outcome, dimension, shard: entry.chain, count: 1 });
      }
    }
  }
  return into;
}

/** The upsert of some rollup rows: new keys inserted, existing ones get the counts added (safe under concurrency). */
export function rollupUpsert<DB extends Database>(db: QueryCreator<DB>, rows: readonly RollupRow[]) {
  // Typed on the base schema; a CTE's extra names (the appender's `appended`) do not change this statement.
  return (db as unknown as QueryCreator<Database>)
    .insertInto('audit_rollup')
    .values(rows as RollupRow[])
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'grain', 'bucket', 'event', 'outcome', 'dimension', 'shard'])
        .doUpdateSet((eb) => ({ count: eb('audit_rollup.count', '+', eb.ref('excluded.count')) })),
    );
}

/** Rows per upsert statement: 8 parameters each stays well under SQLite's and PostgreSQL's limits. */
export const ROLLUP_CHUNK = 2000;

/** Adds rows to the rollup in statements of {@link ROLLUP_CHUNK} rows. */
export async function addToRollup(db: QueryCreator<Database>, rows: readonly RollupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROLLUP_CHUNK) await rollupUpsert(db, rows.slice(i, i + ROLLUP_CHUNK)).execute();
}

/** The AuditStats port over the `audit_rollup` table, SQLite or PostgreSQL. */
export class SqlAuditStats implements AuditStats {
  constructor(private readonly db: Kysely<Database>) {}

  async counts(query: RollupQuery): Promise<RollupCount[]> {
    if (typeof query.tenantId !== 'string' || query.tenantId.length === 0) throw new UnlatchError('invalid_request', { field: 'tenantId' });
    if (query.grain !== 'hour' && query.grain !== 'day') throw new UnlatchError('invalid_request', { field: 'grain' });
    const from = query.from.getTime();
    const to = query.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new UnlatchError('invalid_request', { field: 'from' });
    if (query.events && query.events.length === 0) return [];
    let select = this.db
      .selectFrom('audit_rollup')
      .select(['bucket', 'event', 'outcome', 'dimension'])
      .select((eb) => eb.fn.sum<number>('count').as('count'))
      .where('tenant_id', '=', query.tenantId)
      .where('grain', '=', grainCode(query.grain))
      .where('bucket', '>=', from)
      .where('bucket', '<', to);
    if (query.events) select = select.where('event', 'in', [...query.events]);
    const rows = await select.groupBy(['bucket', 'event', 'outcome', 'dimension']).execute();
    return rows.map((row) => ({ bucket: Number(row.bucket), event: row.event, outcome: row.outcome, dimension: row.dimension, count: Number(row.count) }));
  }
}
