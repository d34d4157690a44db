import rateLimiterFlexible from 'rate-limiter-flexible';
import { BucketLimiter, type BucketSettings } from './bucket-limiter.js';

const { RateLimiterMemory } = rateLimiterFlexible;

export type { BucketSettings } from './bucket-limiter.js';

/**
 * One process's counters (the embedded default): every node counts on its own and a restart forgets.
 * Several nodes need a shared store (Redis, PostgreSQL).
 */
export class MemoryLimiter extends BucketLimiter {
  constructor(buckets: BucketSettings) {
    super(buckets, (bucket, window) => new RateLimiterMemory({ keyPrefix: bucket, points: window.points, duration: window.durationSeconds }));
  }
}
