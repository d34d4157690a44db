import type { AdAccountAttributes } from './ad-account.js';
import { personFilter } from './ad-filter.js';
import { resolveContactAttributes } from './directory-contacts.js';
import { parseDirectoryUrl, resolveTransport } from './ldap-endpoint.js';

/**
 * The options of the Active Directory adapter, their defaults, and the checks that refuse an unsafe or
 * meaningless combination before any connection is made.
 */

/** When an administrator's reset asks AD to apply password history too (LDAP_SERVER_POLICY_HINTS). */
export type AdResetHistoryCheck =
  /** Send the hint when the DC lists it in `supportedControl` (Windows Server 2012 and later; not Samba 4.17). */
  | 'auto'
  /** Always send it, as critical: a DC without it refuses the reset instead of skipping the history check. */
  | 'require'
  /** Never send it: resets may reuse an old password (AD's default for administrators' resets). */
  | 'off';

/** Configuration of one Active Directory domain serving one tenant. */
export interface ActiveDirectoryOptions {
  /** The tenant this directory holds the accounts of. Lookups for any other tenant find nothing. */
  tenantId: string;
  /**
   * `ldaps://dc1.example.com` (port 636 by default), or `ldap://dc1.example.com` with `startTls: true`.
   * AD refuses `unicodePwd` on an unencrypted connection anyway; Unlatch refuses it first.
   */
  url: string;
  /** Upgrade an `ldap://` connection with StartTLS before anything else is sent. Default false. */
  startTls?: boolean;
  /**
   * Allow `ldap://` without StartTLS, or `rejectUnauthorized: false`. Default false; for test servers only.
   * Even then Unlatch sends no person's password over a plain connection: resets, changes and password
   * checks are refused, only lookups work.
   */
  insecure?: boolean;
  /** PEM certificate(s) to trust for the DC's certificate (e.g. the enterprise CA), instead of the system's CAs. */
  tlsCa?: string;
  /** Check the DC's certificate. Default true; false needs `insecure: true`. Prefer `tlsCa`. */
  rejectUnauthorized?: boolean;
  /**
   * The host name the DC's certificate must carry, when `url` names it otherwise (an IP address, a load
   * balancer alias). Default: the host of `url`.
   */
  tlsServerName?: string;
  /** The service account: a DN, a UPN (`svc-unlatch@example.com`) or `EXAMPLE\svc-unlatch`. */
  bindDn: string;
  /** The service account's password. */
  bindPassword: string;
  /** Where people live, e.g. `OU=People,DC=example,DC=com`; every person search runs in this subtree. */
  baseDn: string;
  /**
   * Filter that finds a person by what they type; every `{value}` becomes the RFC 4515-escaped identifier.
   * Always ANDed with `(objectCategory=person)(objectClass=user)`.
   * Default `(|(sAMAccountName={value})(userPrincipalName={value})(mail={value}))`.
   */
  userFilter?: string;
  /** Attribute names that make up an account. */
  attributes?: {
    /** Email address. Default `mail`. */
    email?: string;
    /** Phone number for SMS. Default `mobile`. */
    phone?: string;
    /** Name shown to the person. Default `displayName`. */
    displayName?: string;
  };
  /**
   * Attributes holding the person's own addresses and phones, every value of each (e.g. `otherMailbox`,
   * `mobile`, a custom attribute), read into `DirectoryAccount.contacts`. Unset: accounts carry none.
   * Never the primary email attribute.
   */
  contactAttributes?: { emails?: string[]; phones?: string[] };
  /**
   * Extra attributes read into `DirectoryAccount.attributes` (every value of each): those the tenant's policy
   * names (`serviceAccounts.attribute`). Unset: accounts carry none.
   */
  markerAttributes?: string[];
  /** How group membership is read; group names are the groups' CNs. */
  groups?: {
    /**
     * Include groups the person is in through other groups (LDAP_MATCHING_RULE_IN_CHAIN, one extra search).
     * Default false: the direct groups of `memberOf`.
     */
    nested?: boolean;
    /** Where the nested search looks for groups. Default: the whole domain (its `defaultNamingContext`). */
    baseDn?: string;
  };
  /** Milliseconds to wait for a TCP connection and TLS handshake. Default 5000. */
  connectTimeoutMs?: number;
  /** Milliseconds to wait for the answer to one LDAP operation. Default 10000. */
  operationTimeoutMs?: number;
  /** Clear a lockout (`lockoutTime = 0`) in the same modify as a reset. Default true; needs Write lockoutTime. */
  unlockOnReset?: boolean;
  /** Whether a reset asks AD to enforce password history. Default `auto`. */
  resetHistoryCheck?: AdResetHistoryCheck;
}

/** The options with every default filled in. */
export interface ResolvedAdOptions {
  tenantId: string;
  url: URL;
  startTls: boolean;
  /** True when nothing encrypts the connection: no person's password may be sent. */
  plain: boolean;
  tlsCa: string | undefined;
  rejectUnauthorized: boolean;
  tlsServerName: string | undefined;
  bindDn: string;
  bindPassword: string;
  baseDn: string;
  userFilter: string;
  /** The account's attributes, with the contact mapping when one is configured. */
  attributes: AdAccountAttributes;
  /** `baseDn` undefined: the domain's naming context, read from the root DSE. */
  groups: { nested: boolean; baseDn: string | undefined };
  connectTimeoutMs: number;
  operationTimeoutMs: number;
  unlockOnReset: boolean;
  resetHistoryCheck: AdResetHistoryCheck;
}

export const DEFAULT_AD_USER_FILTER = '(|(sAMAccountName={value})(userPrincipalName={value})(mail={value}))';
export const DEFAULT_AD_CONNECT_TIMEOUT_MS = 5000;
export const DEFAULT_AD_OPERATION_TIMEOUT_MS = 10_000;

/** A configuration that cannot work or would be unsafe; the message names the option. */
export class ActiveDirectoryOptionsError extends Error {
  constructor(message: string) {
    super(`active_directory: ${message}`);
    this.name = 'ActiveDirectoryOptionsError';
  }
}

/** Fills in defaults and refuses unsafe or impossible combinations. */
export function resolveAdOptions(options: ActiveDirectoryOptions): ResolvedAdOptions {
  const url = parseDirectoryUrl(options.url, ActiveDirectoryOptionsError);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.username !== '') {
    throw new ActiveDirectoryOptionsError('url takes a scheme, host and port only; put the base DN in baseDn');
  }
  // `insecure` lets a test DC answer lookups in clear text; no person's password goes over it (see adConnector).
  const { startTls, plain } = resolveTransport(url, options, ActiveDirectoryOptionsError);
  const insecure = options.insecure ?? false;
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  if (!rejectUnauthorized && !insecure) {
    throw new ActiveDirectoryOptionsError('rejectUnauthorized: false accepts any certificate; trust the DC with tlsCa instead (or insecure: true for a test server)');
  }
  for (const key of ['tenantId', 'bindDn', 'bindPassword', 'baseDn'] as const) {
    if (typeof options[key] !== 'string' || options[key].trim() === '') throw new ActiveDirectoryOptionsError(`${key} is required`);
  }
  const userFilter = options.userFilter ?? DEFAULT_AD_USER_FILTER;
  if (!userFilter.includes('{value}')) throw new ActiveDirectoryOptionsError('userFilter must contain {value}');
  try {
    personFilter(userFilter, 'probe');
  } catch (error) {
    throw new ActiveDirectoryOptionsError(`userFilter is not a valid LDAP filter: ${(error as Error).message}`);
  }
  const email = options.attributes?.email ?? 'mail';
  const contacts = resolveContactAttributes(options.contactAttributes);
  if (contacts?.emails.some((name) => name.toLowerCase() === email.toLowerCase())) {
    throw new ActiveDirectoryOptionsError(`contactAttributes.emails cannot name ${email}: it holds the primary email, offered as the directory's own address`);
  }
  const connectTimeoutMs = positive('connectTimeoutMs', options.connectTimeoutMs ?? DEFAULT_AD_CONNECT_TIMEOUT_MS);
  const operationTimeoutMs = positive('operationTimeoutMs', options.operationTimeoutMs ?? DEFAULT_AD_OPERATION_TIMEOUT_MS);
  return {
    tenantId: options.tenantId,
    url,
    startTls,
    plain,
    tlsCa: options.tlsCa,
    rejectUnauthorized,
    tlsServerName: options.tlsServerName,
    bindDn: options.bindDn,
    bindPassword: options.bindPassword,
    baseDn: options.baseDn,
    userFilter,
    attributes: {
      email,
      phone: options.attributes?.phone ?? 'mobile',
      displayName: options.attributes?.displayName ?? 'displayName',
      contacts,
      markers: [...(options.markerAttributes ?? [])],
    },
    groups: { nested: options.groups?.nested ?? false, baseDn: options.groups?.baseDn },
    connectTimeoutMs,
    operationTimeoutMs,
    unlockOnReset: options.unlockOnReset ?? true,
    resetHistoryCheck: options.resetHistoryCheck ?? 'auto',
  };
}

function positive(key: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new ActiveDirectoryOptionsError(`${key} must be a positive integer (milliseconds)`);
  return value;
}
