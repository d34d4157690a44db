import { describe, expect, it } from 'vitest';
import { ActiveDirectoryOptionsError, DEFAULT_AD_USER_FILTER, resolveAdOptions, type ActiveDirectoryOptions } from '../../src/adapters/directory/ad-options.js';

const BASE: ActiveDirectoryOptions = {
  tenantId: 'demo',
  url: 'ldaps://dc1.example.com',
  bindDn: 'svc-unlatch@example.com',
  bindPassword: 'secret',
  baseDn: 'OU=People,DC=example,DC=com',
};

describe('Active Directory options', () => {
  it('fills in the defaults', () => {
    const o = resolveAdOptions(BASE);
    expect(o).toMatchObject({
      startTls: false,
      plain: false,
      rejectUnauthorized: true,
      userFilter: DEFAULT_AD_USER_FILTER,
      attributes: { email: 'mail', phone: 'mobile', displayName: 'displayName' },
      groups: { nested: false, baseDn: undefined },
      connectTimeoutMs: 5000,
      operationTimeoutMs: 10_000,
      unlockOnReset: true,
      resetHistoryCheck: 'auto',
    });
    expect(DEFAULT_AD_USER_FILTER).toBe('(|(sAMAccountName={value})(userPrincipalName={value})(mail={value}))');
  });

  it('accepts ldap:// with StartTLS, and plain ldap:// only as insecure (then marked plain)', () => {
    expect(resolveAdOptions({ ...BASE, url: 'ldap://dc1.example.com', startTls: true }).plain).toBe(false);
    expect(resolveAdOptions({ ...BASE, url: 'ldap://127.0.0.1:389', insecure: true }).plain).toBe(true);
  });

  it.each<[string, Partial<ActiveDirectoryOptions>, RegExp]>([
    ['plain ldap://', { url: 'ldap://dc1.example.com' }, /clear text/],
    ['StartTLS on ldaps://', { startTls: true }, /startTls/],
    ['another scheme', { url: 'https://dc1.example.com' }, /ldaps:\/\//],
    ['not a URL', { url: 'dc1' }, /not a URL/],
    ['a DN in the URL', { url: 'ldaps://dc1.example.com/DC=example,DC=com' }, /baseDn/],
    ['any certificate, without insecure', { rejectUnauthorized: false }, /tlsCa/],
    ['no bind password', { bindPassword: '' }, /bindPassword/],
    ['no base DN', { baseDn: ' ' }, /baseDn/],
    ['a filter without {value}', { userFilter: '(sAMAccountName=alice)' }, /\{value\}/],
    ['a broken filter', { userFilter: '(|(sAMAccountName={value})(mail={value})' }, /userFilter/],
    ['a zero timeout', { connectTimeoutMs: 0 }, /connectTimeoutMs/],
  ])('refuses %s', (_label, change, message) => {
    expect(() => resolveAdOptions({ ...BASE, ...change })).toThrow(ActiveDirectoryOptionsError);
    expect(() => resolveAdOptions({ ...BASE, ...change })).toThrow(message);
  });
});
