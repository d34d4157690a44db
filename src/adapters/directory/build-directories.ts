import type { Kysely } from 'kysely';
import { directoriesOf, type BuiltinDirectoryConfig, type DirectoryConfig } from '../../config/directories-schema.js';
import { ConfigError } from '../../config/load-config.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { policyFor } from '../../config/policy-schema.js';
import { serviceAccountAttributeNames } from '../../core/policy/service-accounts.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Directory } from '../../core/ports/directory.js';
import type { Database } from '../store/schema.js';
import { adOptionsOf, ldapOptionsOf } from './directory-options.js';
import { DirectoryRouter, type DirectoryRouterEvents, type RoutedDirectory } from './directory-router.js';
import type { Argon2Hasher } from './password-hasher.js';
import { SqlDirectory } from './sql-directory.js';

/** What the built-in directory needs. */
export interface DirectoryDeps {
  db: Kysely<Database>;
  hasher: Argon2Hasher;
  clock: Clock;
  /** Wraps each configured directory by its name (the metrics' latency decorator); absent: used as built. */
  wrap?: (name: string, directory: Directory) => Directory;
}

/**
 * Every tenant's directories, from configuration, behind one DirectoryRouter. Nothing connects here: an
 * LDAP server that is down fails the first request that needs it (`directory_unavailable`), not the start.
 * Options an adapter refuses (say, `ldap://` without TLS) are configuration errors and stop the start.
 */
export async function buildDirectoryRouter(config: UnlatchConfig, deps: DirectoryDeps, events?: DirectoryRouterEvents): Promise<DirectoryRouter> {
  const ldap = await ldapAdaptersFor(config);
  // One table for every tenant (rows are keyed by tenant); an instance per entry, for its own settings.
  const builtin = (entry: BuiltinDirectoryConfig) => new SqlDirectory(deps.db, deps.hasher, deps.clock, { maxPasswordAgeDays: entry.maxPasswordAgeDays });
  const wrapped = (name: string, directory: Directory) => deps.wrap?.(name, directory) ?? directory;
  // The attributes the tenant's policy marks service accounts by: read with every account (service-accounts.ts).
  const markersOf = (tenantId: string) => serviceAccountAttributeNames([policyFor(config.policy, tenantId).serviceAccounts]);
  const tenants = new Map<string, RoutedDirectory[]>(
    config.tenants.map((tenant, t) => [
      tenant.id,
      directoriesOf(tenant).map((entry, d) => ({
        name: entry.name,
        directory: wrapped(entry.name, directoryOf(entry, tenant.id, builtin, ldap, `tenants.${t}.directories.${d}`, markersOf(tenant.id))),
        builtin: entry.type === 'builtin',
        alsoWriteTo: entry.alsoWriteTo,
        // The built-in store is the local database: nothing to save by keeping its accounts.
        cacheSeconds: entry.type === 'builtin' ? 0 : entry.groupCacheSeconds,
      })),
    ]),
  );
  return new DirectoryRouter({ tenants, defaultTenantId: config.defaultTenant!, clock: deps.clock, events });
}

/** The LDAP and Active Directory adapters with their option checks. */
interface LdapAdapters {
  LdapDirectory: typeof import('./ldap-directory.js').LdapDirectory;
  ActiveDirectoryDirectory: typeof import('./active-directory.js').ActiveDirectoryDirectory;
  LdapOptionsError: typeof import('./ldap-options.js').LdapOptionsError;
  ActiveDirectoryOptionsError: typeof import('./ad-options.js').ActiveDirectoryOptionsError;
}

/**
 * Imported only when some tenant has an LDAP or Active Directory entry: the LDAP client (ldapts) and the adapters
 * stay out of the heap of nodes whose tenants all use the built-in store.
 */
async function ldapAdaptersFor(config: UnlatchConfig): Promise<LdapAdapters | null> {
  if (!config.tenants.some((tenant) => directoriesOf(tenant).some((entry) => entry.type !== 'builtin'))) return null;
  const [{ LdapDirectory }, { ActiveDirectoryDirectory }, { LdapOptionsError }, { ActiveDirectoryOptionsError }] = await Promise.all([
    import('./ldap-directory.js'), import('./active-directory.js'), import('./ldap-options.js'), import('./ad-options.js'),
  ]);
  return { LdapDirectory, ActiveDirectoryDirectory, LdapOptionsError, ActiveDirectoryOptionsError };
}

/** The adapter for one configured entry (`ldap` is loaded whenever an entry is not the built-in store). */
function directoryOf(entry: DirectoryConfig, tenantId: string, builtin: (entry: BuiltinDirectoryConfig) => Directory, ldap: LdapAdapters | null, key: string, markerAttributes: readonly string[]): Directory {
  if (entry.type === 'builtin') return builtin(entry);
  try {
    return entry.type === 'ldap'
      ? new ldap!.LdapDirectory(ldapOptionsOf(entry, tenantId, markerAttributes))
      : new ldap!.ActiveDirectoryDirectory(adOptionsOf(entry, tenantId, markerAttributes));
  } catch (error) {
    if (error instanceof ldap!.LdapOptionsError || error instanceof ldap!.ActiveDirectoryOptionsError) throw new ConfigError(`config: ${key}: ${error.message}`);
    throw error;
  }
}
