import { describe, expect, it } from 'vitest';
import { firstRdn, isWithin } from '../../src/adapters/directory/ldap-dn.js';

describe('firstRdn', () => {
  it('reads the attribute and value of the first RDN', () => {
    expect(firstRdn('cn=admins,ou=groups,dc=example,dc=org')).toEqual({ attribute: 'cn', value: 'admins' });
    expect(firstRdn('CN = Domain Admins , OU=Groups')).toEqual({ attribute: 'CN', value: 'Domain Admins' });
  });

  it('unescapes hex pairs (as UTF-8) and escaped specials', () => {
    expect(firstRdn('cn=Lu\\C4\\8Di\\C4\\87,dc=x')).toEqual({ attribute: 'cn', value: 'Lučić' });
    expect(firstRdn('cn=a\\,b\\+c,dc=x')?.value).toBe('a,b+c');
  });

  it('takes the first value of a multi-valued RDN, and refuses what is not attr=value', () => {
    expect(firstRdn('cn=x+uid=y,dc=z')?.value).toBe('x');
    expect(firstRdn('no equals sign')).toBeNull();
    expect(firstRdn('=value')).toBeNull();
  });
});

describe('isWithin', () => {
  const base = 'dc=example,dc=org';

  it('accepts the base itself and entries beneath it, whatever the case and spacing', () => {
    expect(isWithin(base, base)).toBe(true);
    expect(isWithin('uid=alice,ou=people,dc=example,dc=org', base)).toBe(true);
    expect(isWithin('UID=alice, OU=People, DC=Example, DC=Org', base)).toBe(true);
  });

  it('refuses other trees, look-alike suffixes and an escaped comma that only looks like a separator', () => {
    expect(isWithin('uid=alice,dc=elsewhere,dc=org', base)).toBe(false);
    expect(isWithin('uid=alice,dc=notexample,dc=org', base)).toBe(false);
    expect(isWithin('uid=alice\\,dc=example,dc=org', 'dc=example,dc=org')).toBe(false);
    expect(isWithin('uid=alice\\\\,dc=example,dc=org', 'dc=example,dc=org')).toBe(true);
    expect(isWithin('dc=org', base)).toBe(false);
  });
});
