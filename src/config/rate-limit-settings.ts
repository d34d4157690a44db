import type { UnlatchConfig } from './schema.js';

/** Where rate-limit counters live (`rateLimits.store`; unset means memory). */
export type RateLimitStore = 'memory' | 'redis' | 'postgres';

/** The keys of `rateLimits` that configure the store rather than a bucket. */
const STORE_KEYS: ReadonlySet<string> = new Set(['store', 'redis']);

/** The configured buckets alone (`rateLimits` without `store` and `redis`), ready for a limiter. */
export function rateLimitBuckets(rateLimits: UnlatchConfig['rateLimits']): Record<string, { points: number; durationSeconds: number }> {
  return Object.fromEntries(Object.entries(rateLimits).filter(([key]) => !STORE_KEYS.has(key))) as Record<string, { points: number; durationSeconds: number }>;
}

/** The store the limits use: the configured one, else memory. */
export function rateLimitStoreOf(config: Pick<UnlatchConfig, 'rateLimits'>): RateLimitStore {
  return config.rateLimits.store ?? 'memory';
}

const isPostgresUrl = (url: string | undefined): boolean => /^postgres(ql)?:\/\//.test(url ?? '');

/**
 * What is wrong with the rate-limit store settings, as one line naming the key, or null. Run once the
 * database URL is settled (its default depends on `dataDir`).
 *
 * Production on PostgreSQL is how several nodes run: memory counters there are per node (an attacker
 * who spreads requests over N nodes gets N times the attempts) and vanish on every restart or deploy.
 * So the store must be chosen, and memory only ever on purpose.
 */
export function rateLimitStoreProblem(config: Pick<UnlatchConfig, 'mode' | 'rateLimits' | 'database'>): string | null {
  const { store, redis } = config.rateLimits;
  if (store === 'redis' && !redis.url) {
    return 'config: rateLimits.redis.url: required when rateLimits.store is redis (or set UNLATCH_REDIS_URL)';
  }
  if (store === 'postgres' && !isPostgresUrl(config.database.url)) {
    return 'config: rateLimits.store: postgres keeps the counters in the database, so database.url must be a postgres:// URL';
  }
  if (config.mode === 'production' && store === undefined && isPostgresUrl(config.database.url)) {
    return 'config: rateLimits.store: required in production mode with PostgreSQL (redis or postgres shares limits across nodes and restarts; memory keeps them per node, set it only on purpose)';
  }
  return null;
}
