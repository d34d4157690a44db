import type { Entry } from 'ldapts';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { contactAttributeNames, contactsOf } from './directory-contacts.js';
import { markerAttributesOf } from '../../core/policy/service-accounts.js';
import type { ResolvedLdapOptions } from './ldap-options.js';

/**
 * ppolicy's value for "locked by an administrator until unlocked by one" (draft-behera-ldap-password-policy
 * 5.3.3): such an account is disabled, not merely locked out after failed binds.
 */
export const PERMANENT_LOCK = '000001010000Z';

/** inetOrgPerson's (RFC 2798) and AD's attribute for a person's languages, in Accept-Language syntax. */
export const PREFERRED_LANGUAGE = 'preferredLanguage';

/** The ppolicy operational attribute that holds when an account was locked. */
export const LOCKED_TIME = 'pwdAccountLockedTime';

/** The attributes a search must ask for to build an account (operational ones are not sent unasked). */
export function accountAttributes(options: ResolvedLdapOptions): string[] {
  const { username, email, phone, displayName } = options.attributes;
  const names = [username, email, ...phone, ...displayName, ...contactAttributeNames(options.contactAttributes), ...(options.markerAttributes ?? []), 'entryUUID', LOCKED_TIME, 'pwdPolicySubentry', PREFERRED_LANGUAGE];
  if (options.groups.type === 'memberOf') names.push(options.groups.attribute);
  return [...new Set(names)];
}

/** Every value of an attribute as text; attribute names are matched case-insensitively, as LDAP does. */
export function valuesOf(entry: Entry, name: string): string[] {
  const wanted = name.toLowerCase();
  for (const [key, raw] of Object.entries(entry)) {
    if (key === 'dn' || key.toLowerCase() !== wanted) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
  }
  return [];
}

/** The first value of the first of `names` that the entry has. */
export function firstOf(entry: Entry, names: string[]): string | undefined {
  for (const name of names) {
    const value = valuesOf(entry, name)[0];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** The account id of an entry: its entryUUID, or its DN when so configured; undefined when it has none. */
export function idOf(entry: Entry, options: ResolvedLdapOptions): string | undefined {
  return options.idAttribute === 'dn' ? entry.dn : firstOf(entry, ['entryUUID'])?.toLowerCase();
}

/** An entry as an account, or null when it lacks what every account needs (an id and a username). */
export function accountOf(entry: Entry, groups: string[], options: ResolvedLdapOptions): DirectoryAccount | null {
  const id = idOf(entry, options);
  const username = firstOf(entry, [options.attributes.username]);
  if (id === undefined || username === undefined) return null;
  const lockedTime = firstOf(entry, [LOCKED_TIME]);
  const email = firstOf(entry, [options.attributes.email]);
  const contacts = options.contactAttributes ? contactsOf((name) => valuesOf(entry, name), options.contactAttributes, email) : undefined;
  const preferredLanguage = firstOf(entry, [PREFERRED_LANGUAGE]);
  const attributes = markerAttributesOf(options.markerAttributes ?? [], (name) => valuesOf(entry, name));
  return {
    id,
    tenantId: options.tenantId,
    username,
    email,
    phone: firstOf(entry, options.attributes.phone),
    displayName: firstOf(entry, options.attributes.displayName),
    groups,
    // Only the administrator's permanent lock disables; a lockout after failed binds is `locked` and
    // ends by itself (pwdLockoutDuration) or by a reset.
    enabled: lockedTime !== PERMANENT_LOCK,
    locked: lockedTime !== undefined,
    ...(contacts ? { contacts } : {}),
    ...(attributes ? { attributes } : {}),
    ...(preferredLanguage ? { preferredLanguage } : {}),
  };
}
