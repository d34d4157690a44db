import { UnlatchError } from '../errors.js';
import type { RollupGrain } from '../ports/audit-stats.js';

/** The periods the overview offers. */
export const OVERVIEW_PERIODS = ['24h', '7d', '30d', '90d'] as const;
export type OverviewPeriod = (typeof OVERVIEW_PERIODS)[number];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** The time an overview covers and how it is cut into buckets. */
export interface OverviewWindow {
  period: OverviewPeriod;
  /** `hour` for 24 h, `day` for the others. */
  grain: RollupGrain;
  /** The first bucket's start (inclusive). */
  from: Date;
  /** The end of the last bucket (exclusive): the end of the current hour or day. */
  to: Date;
  /** Every bucket's start, oldest first, epoch milliseconds (empty buckets included). */
  buckets: number[];
}

/**
 * The window of a period ending now, in whole UTC buckets: `24h` is the current hour and the 23 before it;
 * `7d`, `30d`, `90d` are today (UTC) and the 6, 29, 89 days before. The current bucket is included while it
 * fills, so the newest figures show at once; the window is therefore up to one bucket longer than the
 * period's name (at most an hour, or a day). Anything else is `UnlatchError('invalid_request')`.
 */
export function overviewWindow(period: string, now: Date): OverviewWindow {
  const spec = SPECS[period as OverviewPeriod];
  if (!spec || !Object.hasOwn(SPECS, period)) throw new UnlatchError('invalid_request', { field: 'period' }, `unknown overview period: ${period}`);
  const nowMs = now.getTime();
  if (!Number.isFinite(nowMs)) throw new UnlatchError('invalid_request', { field: 'now' });
  const to = Math.floor(nowMs / spec.width) * spec.width + spec.width;
  const from = to - spec.count * spec.width;
  const buckets = Array.from({ length: spec.count }, (_, i) => from + i * spec.width);
  return { period: period as OverviewPeriod, grain: spec.grain, from: new Date(from), to: new Date(to), buckets };
}

const SPECS: Record<OverviewPeriod, { grain: RollupGrain; width: number; count: number }> = {
  '24h': { grain: 'hour', width: HOUR_MS, count: 24 },
  '7d': { grain: 'day', width: DAY_MS, count: 7 },
  '30d': { grain: 'day', width: DAY_MS, count: 30 },
  '90d': { grain: 'day', width: DAY_MS, count: 90 },
};
