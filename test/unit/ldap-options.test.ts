import { describe, expect, it } from 'vitest';
import { DEFAULT_USER_FILTER, LdapOptionsError, resolveLdapOptions, type LdapDirectoryOptions } from '../../src/adapters/directory/ldap-options.js';

const base: LdapDirectoryOptions = {
  tenantId: 'demo',
  url: 'ldaps://ldap.example.org',
  bindDn: 'cn=unlatch,ou=services,dc=example,dc=org',
  bindPassword: 'secret',
  baseDn: 'ou=people,dc=example,dc=org',
};

describe('resolveLdapOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveLdapOptions(base);
    expect(resolved).toMatchObject({
      startTls: false,
      userFilter: DEFAULT_USER_FILTER,
      attributes: { username: 'uid', email: 'mail', phone: ['mobile', 'telephoneNumber'], displayName: ['displayName', 'cn'] },
      idAttribute: 'entryUUID',
      groups: { type: 'memberOf', attribute: 'memberOf', nameAttribute: 'cn' },
      passwordWrite: 'password_modify',
      connectTimeoutMs: 5000,
      operationTimeoutMs: 5000,
    });
    expect(resolveLdapOptions({ ...base, groups: { type: 'search', baseDn: 'ou=groups,dc=example,dc=org' } }).groups).toEqual({
      type: 'search',
      baseDn: 'ou=groups,dc=example,dc=org',
      filter: '(&(objectClass=groupOfNames)(member={dn}))',
      nameAttribute: 'cn',
    });
  });

  it('refuses clear text unless asked for by name', () => {
    expect(() => resolveLdapOptions({ ...base, url: 'ldap://ldap.example.org' })).toThrow(LdapOptionsError);
    expect(() => resolveLdapOptions({ ...base, url: 'ldap://ldap.example.org', insecure: false })).toThrow(/clear text/);
    expect(resolveLdapOptions({ ...base, url: 'ldap://ldap.example.org', startTls: true }).startTls).toBe(true);
    expect(resolveLdapOptions({ ...base, url: 'ldap://127.0.0.1:3890', insecure: true }).url.port).toBe('3890');
  });

  it('refuses combinations that cannot work, naming the option', () => {
    expect(() => resolveLdapOptions({ ...base, startTls: true })).toThrow(/startTls/);
    expect(() => resolveLdapOptions({ ...base, url: 'https://ldap.example.org' })).toThrow(/ldap:\/\//);
    expect(() => resolveLdapOptions({ ...base, url: 'not a url' })).toThrow(/url/);
    expect(() => resolveLdapOptions({ ...base, bindDn: '' })).toThrow(/bindDn/);
    expect(() => resolveLdapOptions({ ...base, userFilter: '(uid=alice)' })).toThrow(/userFilter/);
    expect(() => resolveLdapOptions({ ...base, groups: { type: 'search', baseDn: 'ou=groups', filter: '(member=x)' } })).toThrow(/groups.filter/);
    expect(() => resolveLdapOptions({ ...base, operationTimeoutMs: 0 })).toThrow(/operationTimeoutMs/);
  });

  it('refuses a filter template that is not one balanced filter (ldapts would quietly read half of it)', () => {
    expect(() => resolveLdapOptions({ ...base, userFilter: '(|(uid={value})(mail={value})' })).toThrow(/userFilter is not a valid LDAP filter/);
    expect(() => resolveLdapOptions({ ...base, userFilter: '(uid={value})(mail={value})' })).toThrow(/userFilter is not a valid LDAP filter/);
    expect(() => resolveLdapOptions({ ...base, groups: { type: 'search', baseDn: 'ou=groups', filter: '(member={dn}' } })).toThrow(/groups.filter is not a valid LDAP filter/);
  });
});
