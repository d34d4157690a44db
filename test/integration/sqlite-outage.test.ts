import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUnlatchError } from '../../src/core/errors.js';
import { guarded, outageAwareStatement } from '../../src/adapters/store/sqlite-outage.js';

/** A SQLite file another process holds locked past the busy timeout: store_unavailable, not a 500. */
describe('SQLite locked by another writer', () => {
  let dir: string;
  let holder: BetterSqlite3.Database;
  let ours: BetterSqlite3.Database;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlatch-sqlite-busy-'));
    const path = join(dir, 'store.db');
    holder = new BetterSqlite3(path);
    holder.exec('create table t (x integer)');
    ours = new BetterSqlite3(path);
    // No waiting in the test: the adapter's own busy_timeout only decides when this error comes.
    ours.pragma('busy_timeout = 0');
    holder.exec('begin exclusive');
  });
  afterAll(() => {
    holder?.exec('rollback');
    holder?.close();
    ours?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers store_unavailable with Retry-After, and works once the lock is gone', () => {
    // Preparing needs the schema, which the lock hides too: both the prepare and the run are guarded.
    const insert = () => outageAwareStatement(guarded(() => ours.prepare('insert into t (x) values (?)')));
    let failure: unknown = null;
    try {
      insert().run([1]);
    } catch (error) {
      failure = error;
    }
    expect(isUnlatchError(failure) && failure.code).toBe('store_unavailable');
    expect(isUnlatchError(failure) && failure.details).toEqual({ retryAfterSeconds: 5 });
    expect((failure as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    holder.exec('commit');
    expect(insert().run([2]).changes).toBe(1);
    expect(outageAwareStatement(ours.prepare('select x from t')).all([])).toEqual([{ x: 2 }]);
    holder.exec('begin exclusive');
  });
});
