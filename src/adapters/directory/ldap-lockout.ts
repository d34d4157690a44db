import { Attribute, Change, NoSuchAttributeError, type Client } from 'ldapts';
import { LOCKED_TIME, PERMANENT_LOCK, firstOf } from './ldap-entry.js';

/**
 * Ends a ppolicy lockout of `dn` by deleting `pwdAccountLockedTime`, on a connection bound as the service
 * account (which needs write access to that attribute). An administrator's permanent lock is left alone:
 * that account is disabled, and enabling it again is the administrator's decision, not a reset's.
 *
 * The delete names the value it read, so a lock that changed in between (say, to permanent) makes the
 * delete fail instead of removing the newer lock. `pwdFailureTime` cannot be deleted by anyone but slapd
 * itself; ppolicy clears it on the next successful bind.
 */
export async function clearLockout(client: Client, dn: string): Promise<void> {
  const lockedTime = await lockedTimeOf(client, dn);
  if (lockedTime === undefined || lockedTime === PERMANENT_LOCK) return;
  try {
    await client.modify(dn, new Change({ operation: 'delete', modification: new Attribute({ type: LOCKED_TIME, values: [lockedTime] }) }));
  } catch (error) {
    // Gone already (the lockout expired and was cleared by a bind, or another node unlocked it): done.
    if (!(error instanceof NoSuchAttributeError)) throw error;
  }
}

/** The entry's `pwdAccountLockedTime` as it is now, or undefined when it is not locked. */
export async function lockedTimeOf(client: Client, dn: string): Promise<string | undefined> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [LOCKED_TIME] });
  return searchEntries[0] ? firstOf(searchEntries[0], [LOCKED_TIME]) : undefined;
}
