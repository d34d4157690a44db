import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnlatchError } from '../../src/core/errors.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { createTempPostgresDatabase, postgresAvailable, PG_ADMIN_URL, shouldRun } from '../helpers/services.js';

/**
 * The server ends a connection while a request holds it between two queries (what a restart's 57P01 does
 * to a transaction waiting on a password hash). pg-pool listens for errors only on idle clients; unheard,
 * this 'error' event would end the process. Here it is heard, the next query answers store_unavailable,
 * the transaction's client is released, and the pool carries on with a fresh connection.
 */
const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe.runIf(pgUp)('a PostgreSQL connection dropped while in use', () => {
  let temp: { url: string; drop: () => Promise<void> };
  let handle: DatabaseHandle;
  const lost: Array<{ state: string; code: unknown }> = [];
  beforeAll(async () => {
    temp = await createTempPostgresDatabase();
    handle = openDatabase(temp.url, { poolSize: 2, onConnectionLost: (error, state) => lost.push({ state, code: (error as { code?: unknown }).code }) });
  });
  afterAll(async () => {
    await handle?.close();
    await temp?.drop();
  });

  it('is heard, fails the transaction as store_unavailable, and the pool serves the next query', async () => {
    let failure: unknown = null;
    try {
      await handle.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await terminateBackend(rows[0]!.pid);
        // The server's 57P01 arrives while no query runs on this client: the case that crashed nodes.
        for (let i = 0; i < 50 && !lost.some((l) => l.state === 'in_use'); i++) await new Promise((r) => setTimeout(r, 20));
        await sql`select 1`.execute(trx);
      });
    } catch (error) {
      failure = error;
    }
    expect(lost).toContainEqual({ state: 'in_use', code: '57P01' });
    expect(isUnlatchError(failure) && failure.code).toBe('store_unavailable');
    expect(isUnlatchError(failure) && failure.details).toEqual({ retryAfterSeconds: 5 });
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('drops a client whose connection died, rather than lending it to the next request', async () => {
    const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(handle.db);
    await terminateBackend(rows[0]!.pid);
    // Whichever client the pool hands out next, each query either works or answers store_unavailable; a
    // few tries in, every query works again.
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      try {
        await sql`select 1`.execute(handle.db);
        outcomes.push('ok');
      } catch (error) {
        outcomes.push(isUnlatchError(error) ? error.code : String(error));
      }
    }
    expect(outcomes.every((o) => o === 'ok' || o === 'store_unavailable'), outcomes.join()).toBe(true);
    expect(outcomes.slice(-2)).toEqual(['ok', 'ok']);
  });
});
