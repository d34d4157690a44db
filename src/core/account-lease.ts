import { newId } from './crypto/secrets.js';
import { UnlatchError } from './errors.js';
import type { Clock } from './ports/clock.js';
import type { Store } from './ports/store.js';

/** How long a lease lasts when the caller has no setting of its own: longer than any directory write should take. */
export const DEFAULT_LEASE_SECONDS = 60;

/**
 * Runs `work` holding the account's lease in the store, so no other reset, change or unlock writes to the same
 * account meanwhile (two tabs, two nodes). Someone else holding it is `conflict` ("try again"); the lease is
 * given back however `work` ends, and runs out by itself if this process dies.
 */
export async function withAccountLease<T>(
  deps: { store: Store; clock: Clock },
  account: { tenantId: string; id: string },
  work: () => Promise<T>,
  ttlSeconds = DEFAULT_LEASE_SECONDS,
): Promise<T> {
  const holder = newId();
  const { locks } = deps.store;
  if (!(await locks.acquire(account.tenantId, account.id, holder, deps.clock.now(), ttlSeconds))) {
    throw new UnlatchError('conflict', { reason: 'account_busy' });
  }
  try {
    return await work();
  } finally {
    await locks.release(account.tenantId, account.id, holder);
  }
}
