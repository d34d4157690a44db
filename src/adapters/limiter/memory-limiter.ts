import rateLimiterFlexible from 'rate-limiter-flexible';
import type { LimitBucket, LimitDecision, Limiter } from '../../core/ports/limiter.js';

const { RateLimiterMemory, RateLimiterRes } = rateLimiterFlexible;

export type BucketSettings = Partial<Record<LimitBucket, { points: number; durationSeconds: number }>>;

/** One process's counters (the embedded default). Several nodes need a shared limiter (Redis, PostgreSQL). */
export class MemoryLimiter implements Limiter {
  private readonly limiters: Map<LimitBucket, InstanceType<typeof RateLimiterMemory>>;

  constructor(buckets: BucketSettings) {
    this.limiters = new Map(
      (Object.entries(buckets) as Array<[LimitBucket, { points: number; durationSeconds: number }]>).map(([bucket, s]) => [
        bucket,
        new RateLimiterMemory({ keyPrefix: bucket, points: s.points, duration: s.durationSeconds }),
      ]),
    );
  }

  async consume(bucket: LimitBucket, key: string): Promise<LimitDecision> {
    const limiter = this.limiterOf(bucket);
    try {
      const consumed = await limiter.consume(key);
      return { allowed: true, remaining: consumed.remainingPoints };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.ceil(rejection.msBeforeNext / 1000) };
      throw rejection;
    }
  }

  async peek(bucket: LimitBucket, key: string): Promise<LimitDecision> {
    const limiter = this.limiterOf(bucket);
    const state = await limiter.get(key);
    if (!state || state.remainingPoints > 0) return { allowed: true, remaining: state ? state.remainingPoints - 1 : limiter.points - 1 };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  async clear(bucket: LimitBucket, key: string): Promise<void> {
    await this.limiterOf(bucket).delete(key);
  }

  private limiterOf(bucket: LimitBucket): InstanceType<typeof RateLimiterMemory> {
    const limiter = this.limiters.get(bucket);
    if (!limiter) throw new Error(`no rate-limit bucket ${bucket}`);
    return limiter;
  }
}
