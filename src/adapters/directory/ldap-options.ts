import { resolveContactAttributes, type ContactAttributes } from './directory-contacts.js';
import { escapeFilterValue, fillFilter } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import { parseDirectoryUrl, resolveTransport } from './ldap-endpoint.js';

/**
 * The options of the OpenLDAP directory adapter, their defaults, and the checks that refuse an unsafe
 * or meaningless combination before any connection is made.
 */

/** How group membership is read. */
export type LdapGroupMode =
  /** Read the person's `memberOf` attribute (OpenLDAP: needs the `memberof` overlay). */
  | { type: 'memberOf'; attribute?: string; nameAttribute?: string }
  /**
   * Search for groups that list the person: `filter` gets the person's DN, escaped as a filter value,
   * in place of `{dn}`.
   */
  | { type: 'search'; baseDn: string; filter?: string; nameAttribute?: string };

/** How a new password is written by an administrator's reset. */
export type LdapPasswordWrite =
  /** RFC 3062 Password Modify extended operation: the server hashes and applies its password policy. */
  | 'password_modify'
  /** A plain modify that replaces `userPassword` (for servers without the extended operation). */
  | 'replace';

/** Which attribute is the stable account id Unlatch stores in flows. */
export type LdapIdAttribute =
  /** The entry's `entryUUID` (RFC 4530): survives renames and moves. */
  | 'entryUUID'
  /** The entry's DN: for servers without `entryUUID`; a moved entry is then a different account. */
  | 'dn';

/** Configuration of one LDAP directory serving one tenant. */
export interface LdapDirectoryOptions {
  /** The tenant this directory holds the accounts of. Lookups for any other tenant find nothing. */
  tenantId: string;
  /** `ldaps://host:636`, or `ldap://host:389` with `startTls: true` (or `insecure: true`, tests only). */
  url: string;
  /** Upgrade an `ldap://` connection with StartTLS before anything else is sent. Default false. */
  startTls?: boolean;
  /**
   * Allow `ldap://` without StartTLS: passwords then cross the network in clear text. Default false;
   * for a loopback test server only. Production config refuses it.
   */
  insecure?: boolean;
  /** PEM certificate(s) to trust for the server's TLS certificate, instead of the system's CAs. */
  tlsCa?: string;
  /**
   * The host name the server's certificate must carry, when `url` names the server otherwise (an IP address,
   * a load balancer alias). Default: the host of `url`.
   */
  tlsServerName?: string;
  /** DN of the service account Unlatch binds as to search and to reset passwords. */
  bindDn: string;
  /** Password of the service account. */
  bindPassword: string;
  /** Where people live; every search runs in this subtree. */
  baseDn: string;
  /**
   * Filter that finds a person by what they type; `{value}` is replaced by the RFC 4515-escaped identifier.
   * Default `(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))`.
   */
  userFilter?: string;
  /** Attribute names that make up an account. */
  attributes?: {
    /** The username attribute. Default `uid`. */
    username?: string;
    /** The email attribute. Default `mail`. */
    email?: string;
    /** Phone attributes, first present wins. Default `['mobile', 'telephoneNumber']`. */
    phone?: string[];
    /** Display name attributes, first present wins. Default `['displayName', 'cn']`. */
    displayName?: string[];
  };
  /** Which attribute is the account id. Default `entryUUID`. */
  idAttribute?: LdapIdAttribute;
  /**
   * Attributes holding the person's own addresses and phones (every value of each), read into
   * `DirectoryAccount.contacts`. Unset: accounts carry no contacts. Never the primary `email` attribute.
   */
  contactAttributes?: { emails?: string[]; phones?: string[] };
  /**
   * Extra attributes read into `DirectoryAccount.attributes` (every value of each): those the tenant's policy
   * names (`serviceAccounts.attribute`). Unset: accounts carry none.
   */
  markerAttributes?: string[];
  /** How group membership is read. Default `{ type: 'memberOf' }`, group names taken from their `cn`. */
  groups?: LdapGroupMode;
  /** How an administrator's reset writes the password. Default `password_modify`. */
  passwordWrite?: LdapPasswordWrite;
  /**
   * DN of the password policy that applies when an entry names none (`ppolicy_default`). Read only to tell
   * people the minimum length when the directory refuses a password as too short. Optional.
   */
  passwordPolicyDn?: string;
  /** Milliseconds to wait for a TCP (and TLS) connection. Default 5000. */
  connectTimeoutMs?: number;
  /** Milliseconds to wait for the answer to one LDAP operation. Default 5000. */
  operationTimeoutMs?: number;
}

/** The options with every default filled in. */
export interface ResolvedLdapOptions {
  tenantId: string;
  url: URL;
  startTls: boolean;
  tlsCa: string | undefined;
  tlsServerName: string | undefined;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter: string;
  attributes: { username: string; email: string; phone: string[]; displayName: string[] };
  idAttribute: LdapIdAttribute;
  groups:
    | { type: 'memberOf'; attribute: string; nameAttribute: string }
    | { type: 'search'; baseDn: string; filter: string; nameAttribute: string };
  passwordWrite: LdapPasswordWrite;
  passwordPolicyDn: string | undefined;
  contactAttributes: ContactAttributes | undefined;
  /** Extra attributes read into `DirectoryAccount.attributes`. */
  markerAttributes: string[];
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

export const DEFAULT_USER_FILTER = '(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))';
export const DEFAULT_GROUP_FILTER = '(&(objectClass=groupOfNames)(member={dn}))';
export const DEFAULT_TIMEOUT_MS = 5000;

/** A configuration that cannot work or would be unsafe; the message names the option. */
export class LdapOptionsError extends Error {
  constructor(message: string) {
    super(`ldap directory: ${message}`);
    this.name = 'LdapOptionsError';
  }
}

/** Fills in defaults and refuses unsafe or impossible combinations. */
export function resolveLdapOptions(options: LdapDirectoryOptions): ResolvedLdapOptions {
  const url = parseDirectoryUrl(options.url, LdapOptionsError);
  // The service password and every person's password go over this connection: clear text only when asked for by name.
  const { startTls } = resolveTransport(url, options, LdapOptionsError);
  for (const key of ['tenantId', 'bindDn', 'bindPassword', 'baseDn'] as const) {
    if (typeof options[key] !== 'string' || options[key].length === 0) throw new LdapOptionsError(`${key} is required`);
  }
  const userFilter = options.userFilter ?? DEFAULT_USER_FILTER;
  if (!userFilter.includes('{value}')) throw new LdapOptionsError('userFilter must contain {value}');
  validFilter('userFilter', fillFilter(userFilter, 'probe'));
  const groups = resolveGroups(options.groups);
  return {
    tenantId: options.tenantId,
    url,
    startTls,
    tlsCa: options.tlsCa,
    tlsServerName: options.tlsServerName,
    bindDn: options.bindDn,
    bindPassword: options.bindPassword,
    baseDn: options.baseDn,
    userFilter,
    attributes: {
      username: options.attributes?.username ?? 'uid',
      email: options.attributes?.email ?? 'mail',
      phone: options.attributes?.phone ?? ['mobile', 'telephoneNumber'],
      displayName: options.attributes?.displayName ?? ['displayName', 'cn'],
    },
    idAttribute: options.idAttribute ?? 'entryUUID',
    groups,
    passwordWrite: options.passwordWrite ?? 'password_modify',
    passwordPolicyDn: options.passwordPolicyDn,
    contactAttributes: resolveContacts(options.contactAttributes, options.attributes?.email ?? 'mail'),
    markerAttributes: [...(options.markerAttributes ?? [])],
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs),
    operationTimeoutMs: positive('operationTimeoutMs', options.operationTimeoutMs),
  };
}

/** The contact mapping; refused when it names the primary email attribute (its address is the directory's own). */
function resolveContacts(input: LdapDirectoryOptions['contactAttributes'], emailAttribute: string): ContactAttributes | undefined {
  const resolved = resolveContactAttributes(input);
  if (resolved?.emails.some((name) => name.toLowerCase() === emailAttribute.toLowerCase())) {
    throw new LdapOptionsError(`contactAttributes.emails cannot name ${emailAttribute}: it holds the primary email, offered as the directory's own address`);
  }
  return resolved;
}

function resolveGroups(groups: LdapGroupMode | undefined): ResolvedLdapOptions['groups'] {
  if (groups === undefined || groups.type === 'memberOf') {
    return { type: 'memberOf', attribute: groups?.attribute ?? 'memberOf', nameAttribute: groups?.nameAttribute ?? 'cn' };
  }
  if (!groups.baseDn) throw new LdapOptionsError('groups.baseDn is required for group search');
  const filter = groups.filter ?? DEFAULT_GROUP_FILTER;
  if (!filter.includes('{dn}')) throw new LdapOptionsError('groups.filter must contain {dn}');
  validFilter('groups.filter', filter.replaceAll('{dn}', () => escapeFilterValue('cn=probe')));
  return { type: 'search', baseDn: groups.baseDn, filter, nameAttribute: groups.nameAttribute ?? 'cn' };
}

/** A filter template that would fail (or, with ldapts' forgiving parser, quietly mean something else) at the first search. */
function validFilter(key: string, filled: string): void {
  try {
    parseFilter(filled);
  } catch (error) {
    throw new LdapOptionsError(`${key} is not a valid LDAP filter: ${(error as Error).message}`);
  }
}

function positive(key: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(value) || value <= 0) throw new LdapOptionsError(`${key} must be a positive number of milliseconds`);
  return value;
}
