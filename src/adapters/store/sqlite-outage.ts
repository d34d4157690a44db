import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteStatement } from 'kysely';
import { asStoreError } from './store-outage.js';

/**
 * A better-sqlite3 statement as Kysely's SqliteDialect sees it, with a store outage (the file locked past
 * busy_timeout, an I/O error, a file that cannot be opened, a full disk) thrown as
 * `UnlatchError('store_unavailable')`, so the SQLite store answers 503 like PostgreSQL does.
 */
export function outageAwareStatement(statement: BetterSqlite3.Statement): SqliteStatement {
  return {
    get reader() {
      return statement.reader;
    },
    all: (parameters) => guarded(() => statement.all(parameters as unknown[])),
    run: (parameters) => guarded(() => statement.run(parameters as unknown[])),
    iterate: (parameters) => guarded(() => statement.iterate(parameters as unknown[])),
  };
}

/** Runs one synchronous driver call, translating an outage. */
export function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asStoreError(error);
  }
}
