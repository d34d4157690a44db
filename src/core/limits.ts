import { UnlatchError } from './errors.js';
import type { LimitBucket, Limiter } from './ports/limiter.js';

/**
 * Consumes each bucket in order and stops at the first that is exhausted.
 * Keys come only from what the caller sent (IP, identifier as typed, tenant), never from whether an
 * account exists, so a 429 says nothing about accounts.
 */
export async function firstExhausted(
  limiter: Limiter,
  checks: ReadonlyArray<readonly [LimitBucket, string]>,
): Promise<{ bucket: LimitBucket; retryAfterSeconds: number } | null> {
  for (const [bucket, key] of checks) {
    const decision = await limiter.consume(bucket, key);
    if (!decision.allowed) return { bucket, retryAfterSeconds: decision.retryAfterSeconds };
  }
  return null;
}

export function rateLimitedError(retryAfterSeconds: number): UnlatchError {
  return new UnlatchError('rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
}
