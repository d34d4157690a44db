import pg from 'pg';
import rateLimiterFlexible from 'rate-limiter-flexible';
import { BucketLimiter, type BucketSettings } from './bucket-limiter.js';
import { StoreFallback, type LimiterEvents } from './store-fallback.js';

const { RateLimiterPostgres } = rateLimiterFlexible;

/** Where the counters live and what to count. */
export interface PostgresLimiterOptions {
  /** The application's `postgres://…` database URL (never logged). */
  url: string;
  buckets: BucketSettings;
  events?: LimiterEvents;
  /** The counters' table, created at start if missing (default `unlatch_rate_limits`). */
  tableName?: string;
}

/** A limiter query is one upsert: a few connections per node are plenty, beside the store's own pool. */
const POOL_SIZE = 4;
/** An outage must answer fast: at most this long before memory answers instead. */
const TIMEOUT_MS = 2000;
/** Rows whose window ended over an hour ago are deleted this often (the library's schedule, but stoppable). */
const CLEANUP_EVERY_MS = 5 * 60_000;

/**
 * Counters in PostgreSQL, for sites without Redis: shared by every node, kept across restarts. One table
 * (`key`, `points`, `expire`) holds every bucket, keys being `bucket:key`.
 *
 * Like Redis, each bucket has an insurance limiter (this node's memory, same points): a database restart
 * or failover means per-node limits for its duration, never "unlimited" and never an error.
 */
export class PostgresLimiter extends BucketLimiter {
  private readonly cleanup: NodeJS.Timeout;

  private constructor(
    buckets: BucketSettings,
    tableName: string,
    private readonly pool: pg.Pool,
    private readonly health: StoreFallback,
  ) {
    super(
      buckets,
      (bucket, window) =>
        new RateLimiterPostgres({
          storeClient: pool,
          storeType: 'pool',
          tableName,
          // open() made the table; the cleanup below replaces the library's own timer, which cannot be stopped.
          tableCreated: true,
          clearExpiredByTimeout: false,
          keyPrefix: bucket,
          points: window.points,
          duration: window.durationSeconds,
          insuranceLimiter: health.insurance({ keyPrefix: bucket, points: window.points, duration: window.durationSeconds }),
        }),
      health,
    );
    this.cleanup = setInterval(() => {
      pool.query(`DELETE FROM "${tableName}" WHERE expire < $1`, [Date.now() - 3_600_000]).catch(() => undefined);
    }, CLEANUP_EVERY_MS);
    this.cleanup.unref();
  }

  /** Opens a small pool and creates the table if missing (the library's own schema); fails if PostgreSQL is down now. */
  static async open(options: PostgresLimiterOptions): Promise<PostgresLimiter> {
    const tableName = options.tableName ?? 'unlatch_rate_limits';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(tableName)) throw new Error(`rate-limit table name ${tableName} is not a plain identifier`);
    const health = new StoreFallback('postgres', options.events ?? {});
    const pool = new pg.Pool({ connectionString: options.url, max: POOL_SIZE, connectionTimeoutMillis: TIMEOUT_MS, query_timeout: TIMEOUT_MS });
    // An idle connection the server drops (restart, failover) is replaced on next use; unheard, its 'error'
    // event would end the process. Errors of connections in use reject their query (→ insurance).
    pool.on('error', (error) => health.down(error.message));
    try {
      await createTable(pool, tableName);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresLimiter(options.buckets, tableName, pool, health);
  }

  override async close(): Promise<void> {
    this.health.close();
    clearInterval(this.cleanup);
    await this.pool.end();
  }
}

/** The library creates its table when told it is missing; nodes starting at once are fine (it ignores the race). */
function createTable(pool: pg.Pool, tableName: string): Promise<void> {
  return new Promise((resolve, reject) => {
    new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', tableName, tableCreated: false, clearExpiredByTimeout: false, keyPrefix: 'setup', points: 1, duration: 1 },
      (error?: Error) => (error ? reject(error) : resolve()),
    );
  });
}
