import type { Entry } from 'ldapts';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { guidToString } from './ad-guid.js';
import { contactAttributeNames, contactsOf, type ContactAttributes } from './directory-contacts.js';
import { markerAttributesOf } from '../../core/policy/service-accounts.js';

/**
 * An AD user entry as a {@link DirectoryAccount}: which attributes to ask for, and how
 * `userAccountControl`, `msDS-User-Account-Control-Computed` and `lockoutTime` become `enabled` / `locked`.
 */

/** userAccountControl ACCOUNTDISABLE: an administrator disabled the account. */
export const UF_ACCOUNTDISABLE = 0x2;
/** msDS-User-Account-Control-Computed LOCKOUT: locked out by bad passwords, lockout duration not yet over. */
export const UF_LOCKOUT = 0x10;

/** The constructed attribute that knows whether a lockout is still in force. */
export const COMPUTED_UAC = 'msDS-User-Account-Control-Computed';

/** Names of the attributes that hold a person's contact details. */
export interface AdAccountAttributes {
  email: string;
  phone: string;
  displayName: string;
  /** The person's own addresses and phones beside the primary ones (`contactAttributes`); undefined: none read. */
  contacts?: ContactAttributes;
  /** Extra attributes read into `DirectoryAccount.attributes` (the policy's `serviceAccounts.attribute`). */
  markers?: string[];
}

/** Every attribute an account is made of. Constructed ones (the computed UAC) are only sent when asked for. */
export function accountAttributes(names: AdAccountAttributes): string[] {
  return [
    'objectGUID',
    'sAMAccountName',
    'userPrincipalName',
    'userAccountControl',
    COMPUTED_UAC,
    'lockoutTime',
    'memberOf',
    names.email,
    names.phone,
    names.displayName,
    'preferredLanguage',
    ...contactAttributeNames(names.contacts),
    ...(names.markers ?? []),
  ];
}

/** False when the ACCOUNTDISABLE bit is set. A missing attribute (not readable) counts as disabled. */
export function isEnabled(userAccountControl: string | undefined): boolean {
  if (userAccountControl === undefined || !/^\d+$/.test(userAccountControl)) return false;
  return (Number(userAccountControl) & UF_ACCOUNTDISABLE) === 0;
}

/**
 * Whether a lockout is in force. The computed UAC's LOCKOUT bit is the authority: AD clears it when the
 * domain's lockout duration has passed, while `lockoutTime` keeps its old timestamp until the next logon.
 * Only when the DC does not return the computed attribute does a non-zero `lockoutTime` count as locked
 * (which may call an expired lockout still locked; the safe side for a reset, and `unlock` clears it).
 */
export function isLocked(computedUac: string | undefined, lockoutTime: string | undefined): boolean {
  if (computedUac !== undefined && /^\d+$/.test(computedUac)) return (Number(computedUac) & UF_LOCKOUT) !== 0;
  return lockoutTime !== undefined && /^\d+$/.test(lockoutTime) && BigInt(lockoutTime) > 0n;
}

/** A search entry as an account; `groups` are resolved separately (direct `memberOf` or nested). */
export function toDirectoryAccount(entry: Entry, names: AdAccountAttributes, tenantId: string, groups: string[]): DirectoryAccount | null {
  const guid = attribute(entry, 'objectGUID');
  const username = text(entry, 'sAMAccountName');
  if (!Buffer.isBuffer(guid) || guid.length !== 16 || username === undefined) return null;
  const email = text(entry, names.email);
  const contacts = names.contacts ? contactsOf((name) => texts(entry, name), names.contacts, email) : undefined;
  const attributes = markerAttributesOf(names.markers ?? [], (name) => texts(entry, name));
  return {
    id: guidToString(guid),
    tenantId,
    username,
    email,
    phone: text(entry, names.phone),
    displayName: text(entry, names.displayName),
    groups,
    enabled: isEnabled(text(entry, 'userAccountControl')),
    locked: isLocked(text(entry, COMPUTED_UAC), text(entry, 'lockoutTime')),
    ...(contacts ? { contacts } : {}),
    ...(attributes ? { attributes } : {}),
    // RFC 2798's attribute, in AD's schema too: the language of notices outside a flow.
    ...(text(entry, 'preferredLanguage') ? { preferredLanguage: text(entry, 'preferredLanguage') } : {}),
  };
}

/** The DNs of the groups the entry is directly a member of. */
export function memberOfDns(entry: Entry): string[] {
  const value = attribute(entry, 'memberOf');
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** An attribute by name, ignoring case: AD answers with the schema's spelling, config may spell it otherwise. */
export function attribute(entry: Entry, name: string): Entry[string] | undefined {
  if (name in entry) return entry[name];
  const lower = name.toLowerCase();
  const key = Object.keys(entry).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : entry[key];
}

/** The first value of a single-valued text attribute; undefined when absent or empty. */
export function text(entry: Entry, name: string): string | undefined {
  const value = attribute(entry, name);
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const s = Buffer.isBuffer(first) ? first.toString('utf8') : first;
  return s === '' ? undefined : s;
}

/** Every value of a (possibly multi-valued) text attribute; empty when absent. */
export function texts(entry: Entry, name: string): string[] {
  const value = attribute(entry, name);
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v)).filter((v) => v !== '');
}
