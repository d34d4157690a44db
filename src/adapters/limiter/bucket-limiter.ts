import { createHash } from 'node:crypto';
import rateLimiterFlexible from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { LimitBucket, LimitDecision, Limiter } from '../../core/ports/limiter.js';
import type { StoreFallback } from './store-fallback.js';

const { RateLimiterRes } = rateLimiterFlexible;

/** One bucket's size: `points` events per `durationSeconds` window per key. */
export interface BucketWindow {
  points: number;
  durationSeconds: number;
}

/** The buckets a limiter counts, by name (unknown names are refused at use, so a typo cannot mean "unlimited"). */
export type BucketSettings = Partial<Record<LimitBucket, BucketWindow>>;

/** A limiter the app can shut down (connections to its store). */
export interface ClosableLimiter extends Limiter {
  close(): Promise<void>;
}

/** Longest key kept as written; longer ones are hashed (PostgreSQL's key column is varchar(255)). */
const MAX_KEY_LENGTH = 128;

/**
 * The key as stored: short printable keys as they are (readable when an operator looks into Redis),
 * anything longer or with control characters as its SHA-256, so a caller cannot grow keys without bound.
 * Keys are identifiers, IPs, numbers and ids; never secrets (the port's rule), so a plain hash is enough.
 */
export function storedKey(key: string): string {
  if (key.length <= MAX_KEY_LENGTH && !/[\u0000-\u001f\u007f]/.test(key)) return key;
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('base64url')}`;
}

/**
 * The one mapping from rate-limiter-flexible to the Limiter port, shared by every store: one library limiter
 * per bucket (keyed `bucket:key` in the store), consume / peek / clear turned into LimitDecisions.
 */
export class BucketLimiter implements ClosableLimiter {
  private readonly limiters: ReadonlyMap<LimitBucket, RateLimiterAbstract>;

  /**
   * @param create builds the library limiter of one bucket (the store decides which class and options).
   * @param fallback set for shared stores: notices when the store answers again after an outage.
   */
  constructor(
    buckets: BucketSettings,
    create: (bucket: LimitBucket, window: BucketWindow) => RateLimiterAbstract,
    private readonly fallback: StoreFallback | null = null,
  ) {
    this.limiters = new Map(
      (Object.entries(buckets) as Array<[LimitBucket, BucketWindow]>).map(([bucket, window]) => [bucket, create(bucket, window)]),
    );
  }

  async consume(bucket: LimitBucket, key: string): Promise<LimitDecision> {
    const limiter = this.limiterOf(bucket);
    return this.watched(async () => {
      try {
        const consumed = await limiter.consume(storedKey(key));
        return { allowed: true, remaining: consumed.remainingPoints };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: retryAfterOf(rejection.msBeforeNext) };
        throw rejection;
      }
    });
  }

  async peek(bucket: LimitBucket, key: string): Promise<LimitDecision> {
    const limiter = this.limiterOf(bucket);
    return this.watched(async () => {
      const state = await limiter.get(storedKey(key));
      if (!state || state.remainingPoints > 0) return { allowed: true, remaining: (state ? state.remainingPoints : limiter.points) - 1 };
      return { allowed: false, retryAfterSeconds: retryAfterOf(state.msBeforeNext) };
    });
  }

  async clear(bucket: LimitBucket, key: string): Promise<void> {
    const limiter = this.limiterOf(bucket);
    await this.watched(() => limiter.delete(storedKey(key)));
  }

  /** Nothing to close for memory; shared stores override this. */
  async close(): Promise<void> {}

  /** Runs one store operation; one that did not need the insurance limiter proves the store is back. */
  private async watched<T>(operation: () => Promise<T>): Promise<T> {
    const before = this.fallback?.fallbacks ?? 0;
    const result = await operation();
    this.fallback?.settled(before);
    return result;
  }

  private limiterOf(bucket: LimitBucket): RateLimiterAbstract {
    const limiter = this.limiters.get(bucket);
    if (!limiter) throw new Error(`no rate-limit bucket ${bucket}`);
    return limiter;
  }
}

/** At least one second: a Retry-After of 0 would invite an immediate retry that is refused again. */
function retryAfterOf(msBeforeNext: number): number {
  return Math.max(1, Math.ceil(msBeforeNext / 1000));
}
