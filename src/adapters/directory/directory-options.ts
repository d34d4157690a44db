import type { ActiveDirectoryConfig, LdapDirectoryConfig } from '../../config/directories-schema.js';
import { ConfigError } from '../../config/load-config.js';
import type { ActiveDirectoryOptions } from './ad-options.js';
import type { LdapDirectoryOptions } from './ldap-options.js';

/**
 * A configured `ldap` / `active_directory` entry as its adapter's options: the same keys, one to one, minus
 * what only the configuration knows (name, `alsoWriteTo`, the cache, where a secret came from).
 * The server and the CLI's `directory check` both build connections from these.
 */

/** The options of `LdapDirectory` for a configured `ldap` entry of `tenantId`. */
export function ldapOptionsOf(entry: LdapDirectoryConfig, tenantId: string, markerAttributes: readonly string[] = []): LdapDirectoryOptions {
  return {
    ...connectionOptionsOf(entry, tenantId),
    attributes: entry.attributes,
    idAttribute: entry.idAttribute,
    groups: entry.groups,
    passwordWrite: entry.passwordWrite,
    passwordPolicyDn: entry.passwordPolicyDn,
    contactAttributes: entry.contactAttributes,
    ...(markerAttributes.length > 0 ? { markerAttributes: [...markerAttributes] } : {}),
  };
}

/** The options of `ActiveDirectoryDirectory` for a configured `active_directory` entry of `tenantId`. */
export function adOptionsOf(entry: ActiveDirectoryConfig, tenantId: string, markerAttributes: readonly string[] = []): ActiveDirectoryOptions {
  return {
    ...connectionOptionsOf(entry, tenantId),
    rejectUnauthorized: entry.rejectUnauthorized,
    attributes: entry.attributes,
    groups: entry.groups,
    unlockOnReset: entry.unlockOnReset,
    resetHistoryCheck: entry.resetHistoryCheck,
    contactAttributes: entry.contactAttributes,
    ...(markerAttributes.length > 0 ? { markerAttributes: [...markerAttributes] } : {}),
  };
}

/** The options both adapters take from the configuration's shared connection keys. */
function connectionOptionsOf(entry: LdapDirectoryConfig | ActiveDirectoryConfig, tenantId: string) {
  return {
    tenantId,
    url: entry.url,
    startTls: entry.startTls,
    insecure: entry.insecure,
    tlsCa: entry.tlsCa,
    tlsServerName: entry.tlsServerName,
    bindDn: entry.bindDn,
    bindPassword: bindPasswordOf(entry, tenantId),
    baseDn: entry.baseDn,
    userFilter: entry.userFilter,
    connectTimeoutMs: entry.connectTimeoutMs,
    operationTimeoutMs: entry.operationTimeoutMs,
  };
}

function bindPasswordOf(entry: LdapDirectoryConfig | ActiveDirectoryConfig, tenantId: string): string {
  // Loading the configuration reads bindPasswordFile / bindPasswordEnv into bindPassword; a configuration
  // that skipped that step must not turn into a bind with an empty password (an anonymous bind).
  if (entry.bindPassword === undefined || entry.bindPassword === '') {
    throw new ConfigError(`config: tenant ${tenantId}, directory ${entry.name}: bindPassword is not set (bindPasswordFile and bindPasswordEnv are read when the configuration is loaded)`);
  }
  return entry.bindPassword;
}
