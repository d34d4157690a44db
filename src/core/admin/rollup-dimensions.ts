/**
 * Which attributes of an audit entry the rollup counts besides its (event, outcome) total. Each is a
 * `name=value` string; values are short tokens from fixed vocabularies (method kinds, limit buckets,
 * channels, purposes), and anything else becomes `other`, so a caller can never make the rollup grow
 * without bound. Pure: the appender calls it for every entry it writes, the backfill for every stored one.
 *
 * | event | dimensions |
 * |---|---|
 * | `reset.started` | `purpose=reset\|unlock` |
 * | `reset.code_verified` | `method=<kind>`, `step=<purpose>:<n>:<done\|more>` (the n-th proof of the flow; `done` when it completed the proofs) |
 * | `reset.code_failed`, `reset.attempts_exceeded` | `method=<kind>`, `purpose=<purpose>` |
 * | `reset.completed` | `method=<kind>` per proven method, `duration=<i>` ({@link durationBucket} of `durationMs`) |
 * | `reset.rate_limited`, `password.change_rate_limited` | `bucket=<limit>` |
 * | `reset.code_sent`, `reset.code_send_failed`, `notice.sent`, `notice.send_failed` | `channel=<channel>` |
 * | `method.added`, `method.removed` | `kind=<kind>` |
 */
export function rollupDimensions(event: string, details: Readonly<Record<string, unknown>>): string[] {
  switch (event) {
    case 'reset.started':
      return [`purpose=${token(details.purpose ?? 'reset')}`];
    case 'reset.code_verified': {
      const dims = [`method=${token(details.method)}`];
      const proof = details.proof;
      if (typeof proof === 'number' && Number.isInteger(proof) && proof >= 1 && proof <= 9) {
        dims.push(`step=${token(details.purpose ?? 'reset')}:${proof}:${details.complete === true ? 'done' : 'more'}`);
      }
      return dims;
    }
    case 'reset.code_failed':
    case 'reset.attempts_exceeded':
      return [`method=${token(details.method)}`, `purpose=${token(details.purpose ?? 'reset')}`];
    case 'reset.completed': {
      const methods = Array.isArray(details.methods) ? [...new Set(details.methods.map(token))] : [];
      const dims = methods.map((m) => `method=${m}`);
      const duration = details.durationMs;
      if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) dims.push(`duration=${durationBucket(duration)}`);
      return dims;
    }
    case 'reset.rate_limited':
    case 'password.change_rate_limited':
      return [`bucket=${token(details.bucket)}`];
    case 'reset.code_sent':
    case 'reset.code_send_failed':
    case 'notice.sent':
    case 'notice.send_failed':
      return [`channel=${token(details.channel)}`];
    case 'method.added':
    case 'method.removed':
      return [`kind=${token(details.kind)}`];
    default:
      return [];
  }
}

/** A value as a dimension token: lower-case letters, digits, `_` and `-`, at most 32; anything else is `other`. */
function token(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9_-]{1,32}$/.test(value) ? value : 'other';
}

/** Four histogram buckets per doubling: a bucket's bounds are about 19% apart, its midpoint within 9.5%. */
const STEPS_PER_DOUBLING = 4;
/** The last bucket: everything from about 68 days on (2^(140/4) ms) lands here. */
export const MAX_DURATION_BUCKET = 140;

/**
 * The time-to-reset histogram's bucket of a duration: bucket `i` holds [2^(i/4), 2^((i+1)/4)) milliseconds
 * (bucket 0 also holds everything under 1 ms; the last, everything above). Fixed log buckets keep the
 * relative error the same from seconds to days, and make histograms of any bucket and period simply add.
 */
export function durationBucket(ms: number): number {
  if (!(ms >= 1)) return 0;
  const index = Math.floor(STEPS_PER_DOUBLING * Math.log2(ms));
  return Math.min(MAX_DURATION_BUCKET, Math.max(0, index));
}

/** The value that stands for a bucket in percentiles: its geometric midpoint, in whole milliseconds. */
export function durationBucketValue(bucket: number): number {
  return Math.round(2 ** ((bucket + 0.5) / STEPS_PER_DOUBLING));
}
