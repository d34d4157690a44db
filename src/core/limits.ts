import { UnlatchError } from './errors.js';
import type { LimitBucket, Limiter } from './ports/limiter.js';
import { hashHandle } from './crypto/secrets.js';

/**
 * Consumes each bucket in order and stops at the first that is exhausted.
 * Callers make the same calls whether an account exists or not (per-account keys fall back to the
 * identifier, see `accountLimitKey`), so the answer and its cost say nothing about accounts.
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

/**
 * The per-account part of a limit key: the account's stable directory id once the lookup found it, else the
 * normalized identifier. Both are hashed, so every spelling of one account (`alice`, `alice@example.com`)
 * shares one budget, keys have one length whatever was typed, and no identifier is kept in the limiter.
 * Callers put the tenant in front (`tenant:key`).
 */
export function accountLimitKey(account: { id: string } | null, normalizedIdentifier: string): string {
  return account ? `a:${hashHandle(account.id)}` : `i:${hashHandle(normalizedIdentifier)}`;
}
