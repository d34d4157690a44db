import { rateLimitBuckets, rateLimitStoreOf, type RateLimitStore } from '../../config/rate-limit-settings.js';
import type { UnlatchConfig } from '../../config/schema.js';
import type { BucketSettings, ClosableLimiter } from './bucket-limiter.js';
import { MemoryLimiter } from './memory-limiter.js';
import { PostgresLimiter } from './postgres-limiter.js';
import { RedisLimiter } from './redis-limiter.js';
import type { LimiterEvents } from './store-fallback.js';

type LimiterConfig = Pick<UnlatchConfig, 'mode' | 'rateLimits' | 'database'>;

/** Builds the limiter of one store from the validated config (which guarantees the URL each needs). */
type LimiterFactory = (config: LimiterConfig, buckets: BucketSettings, events: LimiterEvents) => Promise<ClosableLimiter>;

/** Every store, once: adding one means a line here and an enum value in `rateLimits.store`. */
const LIMITER_STORES: Readonly<Record<RateLimitStore, LimiterFactory>> = {
  memory: async (_config, buckets) => new MemoryLimiter(buckets),
  redis: (config, buckets, events) =>
    RedisLimiter.open({ url: config.rateLimits.redis.url!, keyPrefix: config.rateLimits.redis.keyPrefix, buckets, events }),
  postgres: (config, buckets, events) => PostgresLimiter.open({ url: config.database.url!, buckets, events }),
};

/**
 * The app's one limiter, in the configured store, counting every `rateLimits` bucket plus `extraBuckets`
 * (the SMS buckets, sized from `sms.limits`). Memory chosen on purpose in production gets a warning:
 * the operator should know what it costs.
 */
export async function buildLimiter(config: LimiterConfig, extraBuckets: BucketSettings, events: LimiterEvents): Promise<ClosableLimiter> {
  const store = rateLimitStoreOf(config);
  if (config.mode === 'production' && store === 'memory') {
    events.log?.warn(
      { store },
      'rate limits are kept in memory: each node counts on its own (N nodes allow N times the attempts) and a restart forgets them; use rateLimits.store redis or postgres when running more than one node',
    );
  }
  const buckets = { ...(rateLimitBuckets(config.rateLimits) as BucketSettings), ...extraBuckets };
  return LIMITER_STORES[store](config, buckets, events);
}
