import type { Client } from 'ldapts';
import type { DirectoryAccountDetails } from '../../core/ports/directory.js';
import { COMPUTED_UAC, isLocked, text } from './ad-account.js';

/**
 * What an AD account tells the operator console beyond the account: when the password was set and
 * expires, when a lockout began. AD keeps these times as FILETIMEs (100-ns intervals since 1601-01-01 UTC).
 */

/** userAccountControl DONT_EXPIRE_PASSWORD: the password never expires, whatever the policy. */
const UF_DONT_EXPIRE_PASSWD = 0x10000;
/** The constructed attribute in which the DC computes the expiry (domain policy or PSO, and the flag above). */
export const EXPIRY_COMPUTED = 'msDS-UserPasswordExpiryTimeComputed';
/** The largest FILETIME: "never" in the computed expiry. */
const NEVER = 0x7fffffffffffffffn;
/** FILETIME of 1970-01-01T00:00:00Z. */
const UNIX_EPOCH_FILETIME = 116_444_736_000_000_000n;

/** The attributes {@link readAdAccountDetails} asks for, by a base search on the person's DN (constructed ones need one). */
export const DETAIL_ATTRIBUTES = ['pwdLastSet', 'lockoutTime', 'userAccountControl', COMPUTED_UAC, EXPIRY_COMPUTED, 'userPrincipalName'];

/**
 * The details of the account at `dn`, read there now. `maxPwdAgeOf` gives the domain's `maxPwdAge`
 * (a negative interval; 0 or the smallest 64-bit number: never), asked only where the DC does not compute
 * the expiry itself (older Samba): that fallback ignores fine-grained policies (PSOs).
 * - `passwordLastSetAt`: `pwdLastSet`; null when 0 (the person must choose a new one at next logon).
 * - `passwordExpiresAt`: null when the password never expires; undefined when it must change now.
 * - `lockedAt`: `lockoutTime` while the lockout is in force; null otherwise.
 */
export async function readAdAccountDetails(client: Client, dn: string, maxPwdAgeOf: () => Promise<string | undefined>): Promise<DirectoryAccountDetails> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: DETAIL_ATTRIBUTES });
  const entry = searchEntries[0];
  if (!entry) return {};
  const setAt = fileTime(text(entry, 'pwdLastSet'));
  const uac = Number(text(entry, 'userAccountControl') ?? '0');
  const lockoutTime = text(entry, 'lockoutTime');
  const details: DirectoryAccountDetails = {
    passwordLastSetAt: setAt ?? null,
    lockedAt: isLocked(text(entry, COMPUTED_UAC), lockoutTime) ? (fileTime(lockoutTime) ?? null) : null,
    attributes: { distinguishedName: entry.dn },
  };
  const upn = text(entry, 'userPrincipalName');
  if (upn !== undefined) details.attributes!.userPrincipalName = upn;
  details.mustChangePassword = text(entry, 'pwdLastSet') === '0';
  if (details.mustChangePassword) details.attributes!.mustChangePassword = 'true';

  const computed = text(entry, EXPIRY_COMPUTED);
  if ((uac & UF_DONT_EXPIRE_PASSWD) !== 0) {
    details.passwordExpiresAt = null;
  } else if (computed !== undefined && /^\d+$/.test(computed)) {
    const value = BigInt(computed);
    // 0: must change now (no expiry date to show); the largest value: never.
    if (value === NEVER) details.passwordExpiresAt = null;
    else if (value > 0n) details.passwordExpiresAt = fileTime(computed) ?? null;
  } else if (setAt) {
    const maxAge = await maxPwdAgeOf();
    if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) {
      const interval = BigInt(maxAge);
      // Stored negative; 0 and -2^63 both mean "no maximum age".
      if (interval === 0n || interval === -(2n ** 63n)) details.passwordExpiresAt = null;
      else details.passwordExpiresAt = new Date(setAt.getTime() + Number((interval < 0n ? -interval : interval) / 10_000n));
    }
  }
  return details;
}

/** A FILETIME (decimal text) as a Date; undefined for absent, 0 (never set) or the "never" value. */
export function fileTime(value: string | undefined): Date | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const ticks = BigInt(value);
  if (ticks === 0n || ticks >= NEVER) return undefined;
  return new Date(Number((ticks - UNIX_EPOCH_FILETIME) / 10_000n));
}
