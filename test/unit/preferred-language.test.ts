import type { Entry } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { accountAttributes as adAttributes, toDirectoryAccount } from '../../src/adapters/directory/ad-account.js';
import { accountAttributes, accountOf } from '../../src/adapters/directory/ldap-entry.js';
import { resolveLdapOptions } from '../../src/adapters/directory/ldap-options.js';

/** The person's `preferredLanguage` (RFC 2798), read by both LDAP adapters for notices outside a flow. */
describe('preferredLanguage from the directory', () => {
  const ldap = resolveLdapOptions({ tenantId: 'demo', url: 'ldap://127.0.0.1:389', insecure: true, bindDn: 'cn=svc', bindPassword: 'x', baseDn: 'dc=example,dc=org' });

  it('LDAP: asks for it and maps it when set, leaves it out when not', () => {
    expect(accountAttributes(ldap)).toContain('preferredLanguage');
    const entry = { dn: 'uid=ana,dc=example,dc=org', uid: 'ana', entryUUID: 'AAAA-1', preferredLanguage: 'de-AT, en;q=0.5' } as Entry;
    expect(accountOf(entry, [], ldap)?.preferredLanguage).toBe('de-AT, en;q=0.5');
    const without = { dn: 'uid=bo,dc=example,dc=org', uid: 'bo', entryUUID: 'AAAA-2' } as Entry;
    expect(accountOf(without, [], ldap)).not.toHaveProperty('preferredLanguage');
  });

  it('Active Directory: asks for it and maps it', () => {
    const names = { email: 'mail', phone: 'mobile', displayName: 'displayName' };
    expect(adAttributes(names)).toContain('preferredLanguage');
    const guid = Buffer.alloc(16, 1);
    const entry = { dn: 'CN=Ana,DC=corp', objectGUID: guid, sAMAccountName: 'ana', userAccountControl: '512', preferredLanguage: 'fr' } as unknown as Entry;
    expect(toDirectoryAccount(entry, names, 'corp', [])?.preferredLanguage).toBe('fr');
  });
});
