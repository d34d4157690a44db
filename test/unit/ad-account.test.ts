import { describe, expect, it } from 'vitest';
import { isEnabled, isLocked, toDirectoryAccount } from '../../src/adapters/directory/ad-account.js';

const NAMES = { email: 'mail', phone: 'mobile', displayName: 'displayName' };

describe('AD account state', () => {
  it('enabled unless userAccountControl has ACCOUNTDISABLE (0x2); unreadable counts as disabled', () => {
    expect(isEnabled('512')).toBe(true);
    expect(isEnabled('66048')).toBe(true); // NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD
    expect(isEnabled('514')).toBe(false);
    expect(isEnabled('66050')).toBe(false);
    expect(isEnabled(undefined)).toBe(false);
    expect(isEnabled('')).toBe(false);
  });

  it('locked by the computed LOCKOUT bit (0x10), which AD clears when the lockout duration is over', () => {
    expect(isLocked('16', '134397858786371160')).toBe(true);
    // lockoutTime keeps its old timestamp after the duration: the computed attribute says it is over.
    expect(isLocked('0', '134397858786371160')).toBe(false);
    expect(isLocked('8388608', '0')).toBe(false); // PASSWORD_EXPIRED alone is not a lockout
  });

  it('without the computed attribute, a non-zero lockoutTime counts as locked', () => {
    expect(isLocked(undefined, '134397858786371160')).toBe(true);
    expect(isLocked(undefined, '0')).toBe(false);
    expect(isLocked(undefined, undefined)).toBe(false);
  });

  it('turns an entry into an account: objectGUID as id, sAMAccountName as username, attribute names in any case', () => {
    const account = toDirectoryAccount(
      {
        dn: 'CN=Alice Example,OU=People,DC=example,DC=test',
        objectGUID: Buffer.from('2fec9585890ca24db79c56321e51bc70', 'hex'),
        sAMAccountName: 'alice',
        MAIL: 'Alice@Example.org',
        mobile: '+15550100001',
        displayName: 'Alice Example',
        userAccountControl: '512',
        'msDS-User-Account-Control-Computed': '16',
        lockoutTime: '1',
      },
      NAMES,
      'demo',
      ['staff'],
    );
    expect(account).toEqual({
      id: '8595ec2f-0c89-4da2-b79c-56321e51bc70',
      tenantId: 'demo',
      username: 'alice',
      email: 'Alice@Example.org',
      phone: '+15550100001',
      displayName: 'Alice Example',
      groups: ['staff'],
      enabled: true,
      locked: true,
    });
  });

  it('an entry without a 16-byte objectGUID or a sAMAccountName is no account', () => {
    const base = { dn: 'CN=x,DC=y', sAMAccountName: 'x', objectGUID: Buffer.alloc(16) };
    expect(toDirectoryAccount(base, NAMES, 't', [])).not.toBeNull();
    expect(toDirectoryAccount({ ...base, objectGUID: 'not-binary' }, NAMES, 't', [])).toBeNull();
    expect(toDirectoryAccount({ ...base, objectGUID: Buffer.alloc(8) }, NAMES, 't', [])).toBeNull();
    expect(toDirectoryAccount({ dn: 'CN=x,DC=y', objectGUID: Buffer.alloc(16) }, NAMES, 't', [])).toBeNull();
  });
});
