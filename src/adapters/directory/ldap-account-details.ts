import type { Client, Entry } from 'ldapts';
import type { DirectoryAccountDetails } from '../../core/ports/directory.js';
import { LOCKED_TIME, PERMANENT_LOCK, firstOf } from './ldap-entry.js';
import type { ResolvedLdapOptions } from './ldap-options.js';

/**
 * What an OpenLDAP entry tells the operator console beyond the account, from ppolicy's operational
 * attributes (draft-behera-ldap-password-policy): when the password was set, when it expires under the
 * entry's policy, when a lockout began.
 */

/** ppolicy's operational attributes on a person's entry; operational, so only sent when named. */
const DETAIL_ATTRIBUTES = ['pwdChangedTime', LOCKED_TIME, 'pwdPolicySubentry', 'pwdReset'];

/**
 * The details of `entry` (found by the adapter, read again here with the operational attributes).
 * - `passwordLastSetAt`: `pwdChangedTime`; null when the entry has none (ppolicy sets it on every password
 *   change it sees; entries loaded with slapadd, or written before ppolicy was loaded, lack it).
 * - `passwordExpiresAt`: `pwdChangedTime` + the policy's `pwdMaxAge`; null when the policy sets no
 *   maximum age; undefined when no policy entry is known or readable, or there is no `pwdChangedTime`.
 * - `lockedAt`: `pwdAccountLockedTime` of a lockout; null when not locked out (an administrator's permanent
 *   lock is a disabled account, `enabled: false`, not a lockout).
 */
export async function readLdapAccountDetails(client: Client, entry: Entry, options: ResolvedLdapOptions): Promise<DirectoryAccountDetails> {
  const { searchEntries } = await client.search(entry.dn, { scope: 'base', filter: '(objectClass=*)', attributes: DETAIL_ATTRIBUTES });
  const state = searchEntries[0];
  if (!state) return {};
  const changedAt = generalizedTime(firstOf(state, ['pwdChangedTime']));
  const locked = firstOf(state, [LOCKED_TIME]);
  const details: DirectoryAccountDetails = {
    passwordLastSetAt: changedAt ?? null,
    lockedAt: locked === undefined || locked === PERMANENT_LOCK ? null : (generalizedTime(locked) ?? null),
    attributes: { distinguishedName: entry.dn },
  };
  details.mustChangePassword = firstOf(state, ['pwdReset'])?.toUpperCase() === 'TRUE';
  if (details.mustChangePassword) details.attributes!.mustChangePassword = 'true';
  const maxAge = await maxAgeSeconds(client, firstOf(state, ['pwdPolicySubentry']) ?? options.passwordPolicyDn);
  if (maxAge === 0) details.passwordExpiresAt = null;
  else if (maxAge !== undefined && changedAt) details.passwordExpiresAt = new Date(changedAt.getTime() + maxAge * 1000);
  return details;
}

/** The policy's `pwdMaxAge` in seconds (0: no maximum); undefined when there is no policy entry to read. */
async function maxAgeSeconds(client: Client, policyDn: string | undefined): Promise<number | undefined> {
  if (policyDn === undefined) return undefined;
  try {
    const { searchEntries } = await client.search(policyDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdMaxAge'] });
    const policy = searchEntries[0];
    if (!policy) return undefined;
    const value = Number.parseInt(firstOf(policy, ['pwdMaxAge']) ?? '0', 10);
    return Number.isInteger(value) && value > 0 ? value : 0;
  } catch {
    // An unreadable policy entry (ACL) only means the expiry cannot be told; the rest of the page stands.
    return undefined;
  }
}

const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})$/;

/**
 * An RFC 4517 GeneralizedTime (`20240102030405Z`, `20240102030405.123Z`, `202401020304+0100`) as a Date;
 * undefined for anything else.
 */
export function generalizedTime(value: string | undefined): Date | undefined {
  const m = value === undefined ? null : GENERALIZED_TIME.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', zone] = m;
  const ms = Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  let time = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), ms);
  if (zone !== 'Z') {
    const sign = zone!.startsWith('-') ? -1 : 1;
    time -= sign * (Number(zone!.slice(1, 3)) * 60 + Number(zone!.slice(3, 5))) * 60_000;
  }
  return Number.isNaN(time) ? undefined : new Date(time);
}
