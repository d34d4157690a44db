import type { DirectoryConfig } from '../../config/directories-schema.js';
import { ConfigError } from '../../config/config-error.js';
import type { CheckItem } from './check-item.js';

/** What checking one directory needs from its caller: the built-in directory lives in a database the caller holds. */
export interface EntryCheckDeps {
  /** The checks of the built-in directory (its accounts are rows in Unlatch's own database). */
  builtin(tenantId: string, user: string | undefined): Promise<CheckItem[]>;
  /**
   * The tenant's excluded groups (its policy): for an OpenLDAP directory reading `memberOf`, each one that
   * has members is checked to show in its members' `memberOf` (the memberof overlay misses slapadd).
   */
  excludedGroups?: readonly string[];
}

/**
 * The checks of one configured directory of a tenant, as `unlatch directory check` and the console's System
 * page run them: bind, search, and with `user` the person's attributes and the rights Unlatch needs. Nothing
 * is written. Options an adapter refuses throw a `ConfigError` named after the directory. Adapter code is
 * loaded only when a check runs.
 */
export async function checkDirectoryEntry(entry: DirectoryConfig, tenantId: string, user: string | undefined, deps: EntryCheckDeps): Promise<CheckItem[]> {
  switch (entry.type) {
    case 'builtin':
      return deps.builtin(tenantId, user);
    case 'ldap': {
      const [{ checkLdapDirectory }, { resolveLdapOptions, LdapOptionsError }, { ldapOptionsOf }] = await Promise.all([
        import('./ldap-check.js'),
        import('./ldap-options.js'),
        import('./directory-options.js'),
      ]);
      const options = asConfigError(entry, LdapOptionsError, () => resolveLdapOptions(ldapOptionsOf(entry, tenantId)));
      return checkLdapDirectory(options, user, deps.excludedGroups);
    }
    case 'active_directory': {
      const [{ checkActiveDirectory }, { resolveAdOptions, ActiveDirectoryOptionsError }, { adOptionsOf }] = await Promise.all([
        import('./ad-check.js'),
        import('./ad-options.js'),
        import('./directory-options.js'),
      ]);
      const options = asConfigError(entry, ActiveDirectoryOptionsError, () => resolveAdOptions(adOptionsOf(entry, tenantId)));
      return checkActiveDirectory(options, user);
    }
  }
}

/** `ldap-1 (ldap, ldaps://dc1:636); copies new passwords to ad-1`: which directory, of which kind, where. Never a secret. */
export function describeDirectoryEntry(entry: DirectoryConfig): string {
  const kind = entry.type === 'builtin' ? "built-in, Unlatch's own database" : entry.type === 'ldap' ? `ldap, ${entry.url}` : `active_directory, ${entry.url}`;
  const copies = entry.alsoWriteTo.length > 0 ? `; copies new passwords to ${entry.alsoWriteTo.join(', ')}` : '';
  return `${entry.name} (${kind})${copies}`;
}

/** An adapter's refusal of its options is a configuration error, named after the directory. */
function asConfigError<T>(entry: DirectoryConfig, kind: new (...args: never[]) => Error, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof kind) throw new ConfigError(`config: directory ${entry.name}: ${error.message}`);
    throw error;
  }
}
