import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAccountLocks } from '../../src/adapters/store/account-locks.js';
import type { DatabaseHandle } from '../../src/adapters/store/database.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';

describe('SqlAccountLocks.releaseAll (a shutdown gives back the leases this process holds)', () => {
  const clock = new TestClock();
  let handle: DatabaseHandle;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ handle, close } = await openTempSqliteStore(clock));
  });
  afterAll(async () => {
    await close?.();
  });

  it('releases only its own live leases, so another node can take those accounts at once', async () => {
    const thisNode = new SqlAccountLocks(handle.db);
    const otherNode = new SqlAccountLocks(handle.db);
    expect(await thisNode.acquire('demo', 'alice', 'h-1', clock.now(), 60)).toBe(true);
    expect(await thisNode.acquire('demo', 'bob', 'h-2', clock.now(), 60)).toBe(true);
    await thisNode.release('demo', 'bob', 'h-2');
    expect(await otherNode.acquire('demo', 'carol', 'h-3', clock.now(), 60)).toBe(true);

    // Held elsewhere: this node cannot take alice until it gives her lease back.
    expect(await otherNode.acquire('demo', 'alice', 'h-4', clock.now(), 60)).toBe(false);
    expect(await thisNode.releaseAll()).toBe(1);
    expect(await otherNode.acquire('demo', 'alice', 'h-4', clock.now(), 60)).toBe(true);

    // The other node's lease is untouched, and a second call has nothing left to give back.
    const holders = await handle.db.selectFrom('account_locks').select(['subject_id', 'holder']).orderBy('subject_id').execute();
    expect(holders).toEqual([{ subject_id: 'alice', holder: 'h-4' }, { subject_id: 'carol', holder: 'h-3' }]);
    expect(await thisNode.releaseAll()).toBe(0);
  });
});
