import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';
import { asStoreError, isStoreOutage } from './store-outage.js';

/** Told of every connection the server drops, whether it sat idle in the pool or was in use by a query. */
export type ConnectionLossListener = (error: Error, state: 'idle' | 'in_use') => void;

/**
 * The pg Pool as Kysely's PostgresDialect sees it, made safe for database restarts and failovers:
 * - every client has an 'error' listener for its whole life. pg-pool listens only while a client is idle;
 *   a server that ends a checked-out connection (57P01 on restart) between two of its queries would
 *   otherwise raise an unhandled 'error' event and end the process.
 * - a failure to connect or a lost connection becomes `UnlatchError('store_unavailable')` here, once, so
 *   every repository and transaction answers 503 with Retry-After without knowing about pg.
 * - a client that lost its connection is destroyed on release, never handed to the next request.
 * Kysely rolls a failed transaction back and releases its client in a `finally`; on a dead connection
 * the rollback fails too (as store_unavailable) and the client is destroyed.
 */
export class OutageAwarePool implements PostgresPool {
  private readonly guarded = new WeakMap<pg.PoolClient, GuardedClient>();
  private readonly inUse = new WeakSet<pg.PoolClient>();

  constructor(private readonly pool: pg.Pool, onLost: ConnectionLossListener = () => undefined) {
    pool.on('error', (error) => onLost(error, 'idle'));
    pool.on('connect', (client) => {
      // An idle client's error reaches the pool's listener above; this one covers the time it is checked out.
      client.on('error', (error) => {
        if (this.inUse.has(client)) onLost(error, 'in_use');
      });
    });
  }

  async connect(): Promise<PostgresPoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw asStoreError(error);
    }
    let guarded = this.guarded.get(client);
    if (!guarded) {
      guarded = new GuardedClient(client, () => this.inUse.delete(client));
      this.guarded.set(client, guarded);
    }
    this.inUse.add(client);
    return guarded;
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}

/** One pooled client, its query errors translated; remembers a lost connection until it is released. */
class GuardedClient implements PostgresPoolClient {
  private broken = false;

  constructor(private readonly client: pg.PoolClient, private readonly onRelease: () => void) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    // Cursors (streaming) are passed through: nothing in Unlatch streams, and a cursor reports its own errors.
    if (typeof sqlOrCursor !== 'string') return this.client.query(sqlOrCursor as never) as PostgresCursor<R>;
    return (this.client.query(sqlOrCursor, parameters as unknown[]) as unknown as Promise<PostgresQueryResult<R>>).catch((error: unknown) => {
      if (isStoreOutage(error)) this.broken = true;
      throw asStoreError(error);
    });
  }

  release(): void {
    this.onRelease();
    const broken = this.broken;
    this.broken = false;
    // `true` makes pg-pool destroy the client instead of keeping a dead connection for the next request.
    this.client.release(broken || undefined);
  }
}
