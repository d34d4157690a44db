import { z } from 'zod';

/**
 * `tenants[].directories` — where each tenant's accounts and passwords live, in order. See docs/directories.md.
 *
 * The keys of `ldap` and `active_directory` entries are the options of `LdapDirectory` and
 * `ActiveDirectoryDirectory`, one to one; unset keys take the adapter's defaults. What can only be checked
 * against the rest of the configuration (production mode, secrets in files or variables) is checked in
 * `directory-settings.ts` when the configuration is loaded.
 */

/** A directory's name: part of every account id it hands out (`ldap-1:<entryUUID>`), and a metrics label. */
const directoryName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'lowercase letters, digits, _ and -, at most 32');

/** How long an account read from LDAP/AD (its groups and flags) is reused: 0 turns the cache off. */
const groupCacheSeconds = z.number().int().min(0).max(3600).default(60);

/** Milliseconds; the adapter's default when unset. */
const millis = z.number().int().positive().max(120_000).optional();

/** An LDAP attribute description (`otherMailbox`, `extensionAttribute7`, `mail;x-private`). */
const attributeName = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$/, 'an LDAP attribute name');

/**
 * `contactAttributes`: attributes that hold the person's own addresses and phones (every value of each), for
 * enrolment to import as methods. Never the primary email attribute (checked with the entry's `attributes`).
 */
const contactAttributes = z
  .object({ emails: z.array(attributeName).max(10).optional(), phones: z.array(attributeName).max(10).optional() })
  .strict()
  .optional();

/** Keys every directory takes. */
const common = {
  /** Unique within the tenant. Default: `builtin`, `ldap-1`, `ldap-2`, …, `ad-1`, … (counted per type). */
  name: directoryName.optional(),
  /**
   * Names of other directories of the same tenant that get a copy of every password written to this one
   * (a reset or change of an account that lives here). Their outcome is audited; a failure there never
   * undoes the write here.
   */
  alsoWriteTo: z.array(directoryName).max(10).default([]),
};

/**
 * The service account's password: exactly one of `bindPassword` (in this file), `bindPasswordFile` (a file
 * holding it, e.g. a mounted secret; one trailing line break is ignored) or `bindPasswordEnv` (the name of
 * an environment variable holding it). The file and the variable are read once, at startup.
 */
const bindSecret = {
  bindPassword: z.string().min(1).optional(),
  bindPasswordFile: z.string().min(1).optional(),
  bindPasswordEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
};

/** The CA to trust for the server's certificate: inline PEM (`tlsCa`) or a file read at startup (`tlsCaFile`). */
const tlsTrust = {
  tlsCa: z.string().includes('-----BEGIN', { message: 'a PEM certificate (-----BEGIN CERTIFICATE-----…)' }).optional(),
  tlsCaFile: z.string().min(1).optional(),
};

/** Connection keys shared by `ldap` and `active_directory`. */
const connection = {
  /** `ldaps://host:636`, or `ldap://host:389` with `startTls: true`. */
  url: z.string().regex(/^ldaps?:\/\/[^/?#\s]+\/?$/i, 'ldaps://host[:port] or ldap://host[:port] (no path: the base DN goes in baseDn)'),
  startTls: z.boolean().optional(),
  /** Plain `ldap://` without TLS: tests against a loopback server only; refused in production mode. */
  insecure: z.boolean().optional(),
  ...tlsTrust,
  /** The host name the server's certificate carries, when `url` names the server otherwise (an IP address, an alias). */
  tlsServerName: z.string().min(1).optional(),
  /** The service account Unlatch binds as. */
  bindDn: z.string().min(1),
  ...bindSecret,
  /** Where people live; every person search runs in this subtree. */
  baseDn: z.string().min(1),
  /** Finds a person by what they type; must contain `{value}` (replaced by the escaped identifier). */
  userFilter: z.string().includes('{value}', { message: 'must contain {value}' }).optional(),
  connectTimeoutMs: millis,
  operationTimeoutMs: millis,
  groupCacheSeconds,
};

/** The built-in user store in Unlatch's own database (`unlatch users add|import`). */
export const builtinDirectorySchema = z
  .object({
    type: z.literal('builtin'),
    ...common,
    /** Days a password lasts before it expires (reported to the console and to expiry reminders). Unset: never. */
    maxPasswordAgeDays: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** OpenLDAP, or another RFC 4511 server with ppolicy: the options of `LdapDirectory`. */
export const ldapDirectorySchema = z
  .object({
    type: z.literal('ldap'),
    ...common,
    ...connection,
    attributes: z
      .object({
        username: z.string().min(1).optional(),
        email: z.string().min(1).optional(),
        phone: z.array(z.string().min(1)).min(1).optional(),
        displayName: z.array(z.string().min(1)).min(1).optional(),
      })
      .strict()
      .optional(),
    idAttribute: z.enum(['entryUUID', 'dn']).optional(),
    groups: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('memberOf'), attribute: z.string().min(1).optional(), nameAttribute: z.string().min(1).optional() }).strict(),
        z
          .object({
            type: z.literal('search'),
            baseDn: z.string().min(1),
            filter: z.string().includes('{dn}', { message: 'must contain {dn}' }).optional(),
            nameAttribute: z.string().min(1).optional(),
          })
          .strict(),
      ])
      .optional(),
    passwordWrite: z.enum(['password_modify', 'replace']).optional(),
    passwordPolicyDn: z.string().min(1).optional(),
    contactAttributes,
  })
  .strict();

/** Microsoft Active Directory or Samba AD: the options of `ActiveDirectoryDirectory`. */
export const activeDirectorySchema = z
  .object({
    type: z.literal('active_directory'),
    ...common,
    ...connection,
    /** Check the DC's certificate (default true); false needs `insecure: true`. Prefer `tlsCa`. */
    rejectUnauthorized: z.boolean().optional(),
    attributes: z
      .object({ email: z.string().min(1).optional(), phone: z.string().min(1).optional(), displayName: z.string().min(1).optional() })
      .strict()
      .optional(),
    groups: z.object({ nested: z.boolean().optional(), baseDn: z.string().min(1).optional() }).strict().optional(),
    unlockOnReset: z.boolean().optional(),
    resetHistoryCheck: z.enum(['auto', 'require', 'off']).optional(),
    contactAttributes,
  })
  .strict();

const directorySchema = z.discriminatedUnion('type', [builtinDirectorySchema, ldapDirectorySchema, activeDirectorySchema]);

type DirectoryInput = z.output<typeof directorySchema>;

/** One configured directory, with its name filled in. */
export type DirectoryConfig = DirectoryInput & { name: string };
export type BuiltinDirectoryConfig = Extract<DirectoryConfig, { type: 'builtin' }>;
export type LdapDirectoryConfig = Extract<DirectoryConfig, { type: 'ldap' }>;
export type ActiveDirectoryConfig = Extract<DirectoryConfig, { type: 'active_directory' }>;

const DEFAULT_PREFIX = { builtin: 'builtin', ldap: 'ldap', active_directory: 'ad' } as const;

/** The names of a tenant's directories: the configured ones, else `builtin`, `ldap-<n>`, `ad-<n>` counted per type. */
export function directoryNames(list: readonly DirectoryInput[]): string[] {
  const counts = new Map<string, number>();
  return list.map((entry) => {
    const n = (counts.get(entry.type) ?? 0) + 1;
    counts.set(entry.type, n);
    if (entry.name !== undefined) return entry.name;
    return entry.type === 'builtin' ? 'builtin' : `${DEFAULT_PREFIX[entry.type]}-${n}`;
  });
}

/**
 * A tenant's directories, in the order they are asked. Names are unique, `alsoWriteTo` names others of the
 * same tenant, the built-in one appears at most once (it is one table: a second entry would find every
 * person twice), and secrets come from exactly one place.
 */
export const directoriesSchema = z
  .array(directorySchema)
  .min(1, 'list at least one directory (or leave directories out for the built-in one)')
  .max(10)
  .superRefine((list, ctx) => {
    const names = directoryNames(list);
    const seen = new Set<string>();
    names.forEach((name, index) => {
      if (seen.has(name)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `"${name}" is used by two directories of this tenant; give each its own name` });
      seen.add(name);
    });
    const builtins = list.flatMap((d, i) => (d.type === 'builtin' ? [i] : []));
    // One table serves every built-in entry: listed twice, every person would be found twice (no match).
    if (builtins.length > 1) ctx.addIssue({ code: 'custom', path: [builtins[1]!, 'type'], message: 'the built-in directory can be listed once per tenant' });
    list.forEach((entry, index) => {
      entry.alsoWriteTo.forEach((target, j) => {
        if (target === names[index]) ctx.addIssue({ code: 'custom', path: [index, 'alsoWriteTo', j], message: 'a directory cannot also write to itself' });
        else if (!names.includes(target)) {
          ctx.addIssue({ code: 'custom', path: [index, 'alsoWriteTo', j], message: `"${target}" is not a directory of this tenant (its directories: ${names.join(', ')})` });
        }
      });
      if (entry.type === 'builtin') return;
      const primaryEmail = (entry.attributes?.email ?? 'mail').toLowerCase();
      entry.contactAttributes?.emails?.forEach((name, j) => {
        if (name.toLowerCase() === primaryEmail) {
          ctx.addIssue({ code: 'custom', path: [index, 'contactAttributes', 'emails', j], message: `${name} holds the primary email (the directory's own address); name the attributes of personal ones` });
        }
      });
      const sources = (['bindPassword', 'bindPasswordFile', 'bindPasswordEnv'] as const).filter((k) => entry[k] !== undefined);
      if (sources.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          path: [index, sources.length === 0 ? 'bindPassword' : sources[1]!],
          message: sources.length === 0 ? 'required: set bindPassword, bindPasswordFile or bindPasswordEnv' : 'set only one of bindPassword, bindPasswordFile, bindPasswordEnv',
        });
      }
      if (entry.tlsCa !== undefined && entry.tlsCaFile !== undefined) ctx.addIssue({ code: 'custom', path: [index, 'tlsCaFile'], message: 'set only one of tlsCa, tlsCaFile' });
      const plain = /^ldap:/i.test(entry.url);
      if (/^ldaps:/i.test(entry.url) && entry.startTls === true) ctx.addIssue({ code: 'custom', path: [index, 'startTls'], message: 'startTls is for ldap:// URLs; ldaps:// is TLS already' });
      if (plain && entry.startTls !== true && entry.type === 'active_directory') {
        // The adapter would answer lookups and then refuse every password write (insecure_transport): a 500 after
        // the person proved who they are. AD itself refuses unicodePwd without TLS, so no test DC works that way either.
        ctx.addIssue({
          code: 'custom',
          path: [index, 'url'],
          message: 'Active Directory refuses passwords over a connection without TLS, so every reset and change would fail; use ldaps:// or startTls: true (insecure: true only relaxes the certificate check)',
        });
      } else if (plain && entry.startTls !== true && entry.insecure !== true) {
        ctx.addIssue({ code: 'custom', path: [index, 'url'], message: 'ldap:// without startTls sends passwords in the clear; use ldaps:// or startTls: true (insecure: true only for a test server)' });
      }
      if (entry.type === 'active_directory' && entry.rejectUnauthorized === false && entry.insecure !== true) {
        ctx.addIssue({ code: 'custom', path: [index, 'rejectUnauthorized'], message: 'false accepts any certificate; trust the DC with tlsCa or tlsCaFile instead (insecure: true only for a test server)' });
      }
    });
  })
  .transform((list): DirectoryConfig[] => {
    const names = directoryNames(list);
    return list.map((entry, index) => ({ ...entry, name: names[index]! }));
  });

/** What a tenant that lists no directories gets: today's behaviour, the built-in user store. */
export const DEFAULT_DIRECTORIES: readonly DirectoryConfig[] = [{ type: 'builtin', name: 'builtin', alsoWriteTo: [] }];

/** A tenant's directories, in order: the configured ones, else the built-in user store. */
export function directoriesOf(tenant: { directories?: DirectoryConfig[] }): readonly DirectoryConfig[] {
  return tenant.directories ?? DEFAULT_DIRECTORIES;
}
