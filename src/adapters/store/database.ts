import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';

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

/** Opens `sqlite:<path>` (creating its folder) or `postgres://…`. */
export function openDatabase(url: string, options: { poolSize?: number; onIdleError?: (error: Error) => void } = {}): DatabaseHandle {
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
  // An idle connection the server drops (restart, failover, admin) is replaced on next use; unheard, its
  // 'error' event would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing costs more than running for our short statements.
 * Statements are reusable in better-sqlite3, and Kysely holds the one connection for a query's whole run,
 * so a cached statement is never used twice at once.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (!statement) {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}
