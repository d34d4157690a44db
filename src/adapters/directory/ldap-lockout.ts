import { Attribute, Change, NoSuchAttributeError, NoSuchObjectError, type Client } from 'ldapts';
import { LOCKED_TIME, PERMANENT_LOCK, firstOf } from './ldap-entry.js';

/**
 * How an attempt to end a lockout came out, as read back from the entry afterwards:
 * - `not_locked`: there was no lock to end (it expired and a bind cleared it, or another node unlocked it);
 * - `cleared`: the lock was there and is gone now;
 * - `disabled`: an administrator's permanent lock is (or, by now, was put) in place: left alone;
 * - `still_locked`: a lockout is there after the delete (a newer one came in between): not unlocked;
 * - `gone`: the entry no longer exists.
 */
export type LockoutClearing = 'not_locked' | 'cleared' | 'disabled' | 'still_locked' | 'gone';

/**
 * Ends a ppolicy lockout of `dn` by deleting `pwdAccountLockedTime`, on a connection bound as the service
 * account (which needs write access to that attribute). An administrator's permanent lock is left alone:
 * that account is disabled, and enabling it again is the administrator's decision, not a reset's.
 *
 * The delete names the value it read, so a lock that changed in between (say, to permanent) makes the
 * delete fail instead of removing the newer lock; the entry is then read again, and the outcome is what
 * it says, never an assumed success. `pwdFailureTime` cannot be deleted by anyone but slapd itself;
 * ppolicy clears it on the next successful bind.
 */
export async function clearLockout(client: Client, dn: string): Promise<LockoutClearing> {
  const before = await lockedTimeOf(client, dn);
  if (before === null) return 'gone';
  if (before === undefined) return 'not_locked';
  if (before === PERMANENT_LOCK) return 'disabled';
  try {
    await client.modify(dn, new Change({ operation: 'delete', modification: new Attribute({ type: LOCKED_TIME, values: [before] }) }));
  } catch (error) {
    // The value is not there any more: gone (expired and cleared, or unlocked elsewhere) or replaced by a
    // newer lock. Which one, the entry says below.
    if (!(error instanceof NoSuchAttributeError)) throw error;
  }
  const after = await lockedTimeOf(client, dn);
  if (after === null) return 'gone';
  if (after === undefined) return 'cleared';
  return after === PERMANENT_LOCK ? 'disabled' : 'still_locked';
}

/** The entry's `pwdAccountLockedTime` as it is now: undefined when it is not locked, null when the entry is gone. */
export async function lockedTimeOf(client: Client, dn: string): Promise<string | undefined | null> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [LOCKED_TIME] });
    return searchEntries[0] ? firstOf(searchEntries[0], [LOCKED_TIME]) : null;
  } catch (error) {
    if (error instanceof NoSuchObjectError) return null;
    throw error;
  }
}
