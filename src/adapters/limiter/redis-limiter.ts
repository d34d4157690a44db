import { Redis } from 'ioredis';
import rateLimiterFlexible from 'rate-limiter-flexible';
import { BucketLimiter, type BucketSettings } from './bucket-limiter.js';
import { StoreFallback, type LimiterEvents } from './store-fallback.js';

const { RateLimiterRedis } = rateLimiterFlexible;

/** How to reach Redis and what to count there. */
export interface RedisLimiterOptions {
  /** `redis://…` or `rediss://…`; may hold a password, so it is never logged. */
  url: string;
  /** Before every key (`<prefix>:<bucket>:<key>`), so deployments can share one Redis. */
  keyPrefix: string;
  buckets: BucketSettings;
  events?: LimiterEvents;
}

/** An outage must answer fast: a request waits at most this long for Redis before memory answers. */
const CONNECT_TIMEOUT_MS = 1000;
const COMMAND_TIMEOUT_MS = 500;

/**
 * Counters in Redis, shared by every node and kept across restarts (Redis 7, `ioredis`).
 *
 * When Redis cannot answer, each bucket's insurance limiter (this node's memory, same points) answers
 * instead: limits hold per node during the outage, never "unlimited" and never an error. Counts made
 * in memory are not copied back; after the outage Redis's own counts apply again.
 */
export class RedisLimiter extends BucketLimiter {
  private constructor(
    buckets: BucketSettings,
    keyPrefix: string,
    private readonly client: Redis,
    private readonly health: StoreFallback,
  ) {
    super(
      buckets,
      (bucket, window) =>
        new RateLimiterRedis({
          storeClient: client,
          keyPrefix: `${keyPrefix}:${bucket}`,
          points: window.points,
          duration: window.durationSeconds,
          // Not connected → straight to the insurance limiter, no waiting on a dead socket.
          rejectIfRedisNotReady: true,
          insuranceLimiter: health.insurance({ keyPrefix: bucket, points: window.points, duration: window.durationSeconds }),
        }),
      health,
    );
  }

  /** Connects (waiting at most the connect timeout); a Redis that is down now means per-node limits until it is up. */
  static async open(options: RedisLimiterOptions): Promise<RedisLimiter> {
    const health = new StoreFallback('redis', options.events ?? {});
    const client = new Redis(options.url, {
      // Without a queue, a command while disconnected fails at once (→ insurance) instead of waiting for a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // Keep trying to come back, at most every 2 s.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // ioredis reports each failed reconnect; one warning per outage is enough (StoreFallback dedupes).
    client.on('error', (error: Error) => health.down(error.message));
    client.on('close', () => health.down('connection closed'));
    client.on('ready', () => health.up());
    await firstConnection(client);
    return new RedisLimiter(options.buckets, options.keyPrefix, client, health);
  }

  override async close(): Promise<void> {
    this.health.close();
    // disconnect, not quit: quit would wait on a Redis that may be gone; counters are written per command anyway.
    this.client.disconnect();
  }
}

/** Resolves once the client is ready, failed its first attempt, or the connect timeout passed. */
function firstConnection(client: Redis): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      client.off('ready', done);
      client.off('error', done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_TIMEOUT_MS + 200);
    client.once('ready', done);
    client.once('error', done);
  });
}
