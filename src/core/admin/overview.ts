import type { AuditStats, RollupCount } from '../ports/audit-stats.js';
import { overviewFunnel, type OverviewFunnel } from './overview-funnel.js';
import { overviewWindow, type OverviewPeriod, type OverviewWindow } from './overview-period.js';
import { durationBucketValue } from './rollup-dimensions.js';

/** A ratio with what it is made of; `rate` is null when there is nothing to divide by. */
export interface Ratio {
  good: number;
  bad: number;
  /** good / (good + bad), 0 … 1. */
  rate: number | null;
}

/** One bucket of the time series (the charts). */
export interface OverviewBucket {
  start: Date;
  started: number;
  completed: number;
  failed: number;
  unlocks: number;
  passwordChanges: number;
  rateLimited: number;
}

/**
 * A tenant's self-service figures over one period, all from the audit rollup. Every count is of audit
 * entries in the window (see {@link overviewWindow}); a flow started before the window and finished in it
 * counts as completed but not as started.
 */
export interface Overview {
  tenantId: string;
  period: OverviewPeriod;
  grain: OverviewWindow['grain'];
  from: Date;
  to: Date;
  /**
   * SLI M1. `started`: resets started for a real account (`reset.started`, success, purpose `reset`; decoys
   * for unknown or excluded identifiers are `decoys`). `completed`: `reset.completed`. `failed`: flows ended by
   * too many wrong proofs (`reset.attempts_exceeded`, failure, purpose `reset`). Flows that simply expire
   * leave no entry: they are the rest of `started`. `successRate` = completed / started.
   */
  resets: { started: number; completed: number; failed: number; decoys: number; successRate: number | null };
  /** SLI M2: from `reset.started` to `reset.completed` of the same flow, from the fixed log histogram (±9.5%). */
  timeToReset: { samples: number; p50Ms: number | null; p95Ms: number | null };
  /**
   * Per method kind: completed resets that used it (a reset with two proofs counts for both), proofs passed
   * (`reset.code_verified`) and failed (`reset.code_failed` / `reset.attempts_exceeded`, decoys left out),
   * resets and unlocks together. Most completed first.
   */
  byMethod: Array<{ method: string; completed: number; proofsPassed: number; proofsFailed: number }>;
  /** Unlock flows started for a real account, and accounts unlocked (`account.unlocked`). */
  unlocks: { started: number; completed: number };
  /** `password.changed`, `password.change_failed`, `password.change_rejected`. */
  passwordChanges: { changed: number; failed: number; rejected: number };
  /**
   * SLI M6: refusals by a rate limit (`reset.rate_limited`, any step) against reset requests (every
   * `reset.started`, decoys included, plus the refusals): `share` = refused / (started + refused).
   */
  rateLimited: { refused: number; requests: number; share: number | null; byBucket: Array<{ bucket: string; count: number }> };
  /**
   * SLI M5, per outbox message: `good` delivered (`reset.code_sent`, `notice.sent`), `bad` given up after its
   * retries (`reset.code_send_failed`, `notice.send_failed`). Codes by channel too.
   */
  delivery: { codes: Ratio; notices: Ratio; codesByChannel: Array<{ channel: string } & Ratio> };
  /** SLI M10: after a directory write, signing in with the new password worked (`reset.sign_in_checked`). */
  signInAfterReset: Ratio;
  funnel: OverviewFunnel;
  series: OverviewBucket[];
}

/** The events an overview reads (the rest of the rollup is left in the database). */
export const OVERVIEW_EVENTS = [
  'reset.started', 'reset.code_verified', 'reset.code_failed', 'reset.attempts_exceeded', 'reset.completed', 'reset.rate_limited',
  'reset.code_sent', 'reset.code_send_failed', 'notice.sent', 'notice.send_failed', 'reset.sign_in_checked', 'account.unlocked',
  'password.changed', 'password.change_failed', 'password.change_rejected',
] as const;

/** Reads the rollup for one tenant and period, and computes its {@link Overview}. */
export async function loadOverview(deps: { stats: AuditStats }, tenantId: string, period: string, now: Date): Promise<Overview> {
  const window = overviewWindow(period, now);
  const counts = await deps.stats.counts({ tenantId, grain: window.grain, from: window.from, to: window.to, events: OVERVIEW_EVENTS });
  return computeOverview(tenantId, window, counts);
}

/** Adds up rollup counts by (event, outcome, dimension), optionally within one bucket. */
export class CountIndex {
  private readonly totals = new Map<string, number>();
  private readonly perBucket = new Map<number, Map<string, number>>();

  constructor(counts: readonly RollupCount[]) {
    for (const c of counts) {
      const key = `${c.event}|${c.outcome}|${c.dimension}`;
      this.totals.set(key, (this.totals.get(key) ?? 0) + c.count);
      if (c.dimension !== '' && !c.dimension.startsWith('purpose=')) continue;
      let bucket = this.perBucket.get(c.bucket);
      if (!bucket) this.perBucket.set(c.bucket, (bucket = new Map()));
      bucket.set(key, (bucket.get(key) ?? 0) + c.count);
    }
  }

  /** Entries of `event` (any outcome when `outcome` is null) with `dimension` (`''`: all of them). */
  get(event: string, outcome: string | null, dimension = '', bucket?: number): number {
    const source = bucket === undefined ? this.totals : this.perBucket.get(bucket);
    if (!source) return 0;
    if (outcome !== null) return source.get(`${event}|${outcome}|${dimension}`) ?? 0;
    let sum = 0;
    for (const [key, count] of source) {
      const [e, , d] = key.split('|');
      if (e === event && d === dimension) sum += count;
    }
    return sum;
  }

  /** `value → count` of an event's dimension `name=value` (any outcome when `outcome` is null). */
  values(event: string, outcome: string | null, name: string): Map<string, number> {
    const found = new Map<string, number>();
    for (const [key, count] of this.totals) {
      const [e, o, d] = key.split('|') as [string, string, string];
      if (e !== event || (outcome !== null && o !== outcome) || !d.startsWith(`${name}=`)) continue;
      const value = d.slice(name.length + 1);
      found.set(value, (found.get(value) ?? 0) + count);
    }
    return found;
  }
}

/** The overview from rollup counts (pure). */
export function computeOverview(tenantId: string, window: OverviewWindow, counts: readonly RollupCount[]): Overview {
  const index = new CountIndex(counts);
  const started = (bucket?: number) => index.get('reset.started', 'success', 'purpose=reset', bucket);
  const completed = (bucket?: number) => index.get('reset.completed', 'success', '', bucket);
  const failed = (bucket?: number) => index.get('reset.attempts_exceeded', 'failure', 'purpose=reset', bucket);
  const unlocked = (bucket?: number) => index.get('account.unlocked', 'success', '', bucket);
  const changed = (bucket?: number) => index.get('password.changed', 'success', '', bucket);
  const refused = (bucket?: number) => index.get('reset.rate_limited', null, '', bucket);

  const resets = { started: started(), completed: completed(), failed: failed(), decoys: index.get('reset.started', 'decoy'), successRate: share(completed(), started()) };
  const requests = index.get('reset.started', null) + refused();
  return {
    tenantId,
    period: window.period,
    grain: window.grain,
    from: window.from,
    to: window.to,
    resets,
    timeToReset: timeToReset(index.values('reset.completed', 'success', 'duration')),
    byMethod: byMethod(index),
    unlocks: { started: index.get('reset.started', 'success', 'purpose=unlock'), completed: unlocked() },
    passwordChanges: { changed: changed(), failed: index.get('password.change_failed', null), rejected: index.get('password.change_rejected', null) },
    rateLimited: { refused: refused(), requests, share: share(refused(), requests), byBucket: sortedCounts(index.values('reset.rate_limited', null, 'bucket')).map(([bucket, count]) => ({ bucket, count })) },
    delivery: {
      codes: ratio(index.get('reset.code_sent', null), index.get('reset.code_send_failed', null)),
      notices: ratio(index.get('notice.sent', null), index.get('notice.send_failed', null)),
      codesByChannel: codesByChannel(index),
    },
    signInAfterReset: ratio(index.get('reset.sign_in_checked', 'success'), index.get('reset.sign_in_checked', 'failure')),
    funnel: overviewFunnel(index),
    series: window.buckets.map((bucket) => ({
      start: new Date(bucket),
      started: started(bucket),
      completed: completed(bucket),
      failed: failed(bucket),
      unlocks: unlocked(bucket),
      passwordChanges: changed(bucket),
      rateLimited: refused(bucket),
    })),
  };
}

/**
 * p50 and p95 by nearest rank over the histogram: the value of the bucket holding the ⌈p·n⌉-th smallest
 * duration (its geometric midpoint, so within 9.5% of the true value).
 */
export function timeToReset(histogram: ReadonlyMap<string, number>): Overview['timeToReset'] {
  const buckets = [...histogram].map(([bucket, count]) => [Number(bucket), count] as const).filter(([b]) => Number.isInteger(b)).sort((a, b) => a[0] - b[0]);
  const samples = buckets.reduce((sum, [, count]) => sum + count, 0);
  const at = (p: number): number | null => {
    if (samples === 0) return null;
    const rank = Math.max(1, Math.ceil(p * samples));
    let seen = 0;
    for (const [bucket, count] of buckets) {
      seen += count;
      if (seen >= rank) return durationBucketValue(bucket);
    }
    return null;
  };
  return { samples, p50Ms: at(0.5), p95Ms: at(0.95) };
}

function byMethod(index: CountIndex): Overview['byMethod'] {
  const completed = index.values('reset.completed', 'success', 'method');
  const passed = index.values('reset.code_verified', 'success', 'method');
  const failedProofs = index.values('reset.code_failed', 'failure', 'method');
  for (const [method, count] of index.values('reset.attempts_exceeded', 'failure', 'method')) failedProofs.set(method, (failedProofs.get(method) ?? 0) + count);
  const methods = new Set([...completed.keys(), ...passed.keys(), ...failedProofs.keys()]);
  return [...methods]
    .map((method) => ({ method, completed: completed.get(method) ?? 0, proofsPassed: passed.get(method) ?? 0, proofsFailed: failedProofs.get(method) ?? 0 }))
    .sort((a, b) => b.completed - a.completed || b.proofsPassed - a.proofsPassed || a.method.localeCompare(b.method));
}

function codesByChannel(index: CountIndex): Overview['delivery']['codesByChannel'] {
  const sent = index.values('reset.code_sent', null, 'channel');
  const failed = index.values('reset.code_send_failed', null, 'channel');
  return [...new Set([...sent.keys(), ...failed.keys()])].sort().map((channel) => ({ channel, ...ratio(sent.get(channel) ?? 0, failed.get(channel) ?? 0) }));
}

function sortedCounts(values: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...values].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function ratio(good: number, bad: number): Ratio {
  return { good, bad, rate: share(good, good + bad) };
}

function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
