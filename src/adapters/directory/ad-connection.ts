import { LdapConnector } from './ldap-connection.js';
import type { ResolvedAdOptions } from './ad-options.js';

/**
 * The connector for one domain controller. Unlike OpenLDAP's, it never sends a person's password over a
 * connection nothing encrypts: `insecure` lets a test DC answer lookups, while AD would refuse `unicodePwd`
 * in clear anyway, and the password must not cross the network unencrypted even once.
 */
export function adConnector(options: ResolvedAdOptions): LdapConnector {
  return new LdapConnector(options, { personBinds: 'refuse' });
}
