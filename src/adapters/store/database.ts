import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import pg from 'pg';
import { OutageAwarePool, type ConnectionLossListener } from './pg-outage.js';
import type { Database } from './schema.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { guarded, outageAwareStatement } from './sqlite-outage.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

/** int8 and numeric come back as JS numbers: epoch milliseconds and sequence numbers fit well within 2^53. */
const pgTypes = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format),
};

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** PostgreSQL: connections kept per process. */
  poolSize?: number;
  /** PostgreSQL: told when the server drops a connection (restart, failover); the pool replaces it. Must not throw. */
  onConnectionLost?: ConnectionLossListener;
}

/**
 * Opens `sqlite:<path>` (creating its folder) or `postgres://…`. A database that cannot be reached or
 * cannot serve right now surfaces as `UnlatchError('store_unavailable')` from every query (see
 * `store-outage.ts`), and a dropped PostgreSQL connection never ends the process.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    if (path === ':memory:') return { db, dialect: 'sqlite', close: () => db.destroy() };
    // The commit-time checkpoint stays on as the bound on the log's size; the background thread keeps the
    // log backfilled so that one rarely finds work (and a sync) to do on the event loop.
    sqlite.pragma('journal_size_limit = 67108864');
    const checkpointer = new SqliteCheckpointer(path, () => undefined);
    return {
      db,
      dialect: 'sqlite',
      close: async () => {
        await db.destroy();
        await checkpointer.stop();
      },
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: pgTypes, connectionTimeoutMillis: 5000 });
  // A connection the server drops (restart, failover, admin), idle or in use, is heard and replaced on next use.
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new OutageAwarePool(pool, options.onConnectionLost) }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running for our short statements.
 * Statements are reusable in better-sqlite3, and Kysely holds the one connection for a query's whole run,
 * so a cached statement is never used twice at once.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = outageAwareStatement(guarded(() => sqlite.prepare(sqlText)));
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}
