import { describe, expect, it } from 'vitest';
import { UnreadablePolicyError, domainRules, intervalToSeconds, psoRules } from '../../src/adapters/directory/ad-password-rules.js';

// The domain root of a freshly provisioned Samba AD, as the service account reads it.
const SAMBA_DEFAULT_DOMAIN = {
  dn: 'DC=example,DC=test',
  minPwdLength: '7',
  pwdHistoryLength: '24',
  pwdProperties: '1',
  minPwdAge: '-864000000000',
  maxPwdAge: '-36288000000000',
  lockoutThreshold: '0',
  lockoutDuration: '-18000000000',
  lockOutObservationWindow: '-18000000000',
};

describe('AD password rules', () => {
  it("reads the domain root's policy: intervals are negative 100 ns ticks", () => {
    expect(domainRules(SAMBA_DEFAULT_DOMAIN)).toEqual({
      source: 'domain',
      minLength: 7,
      historyLength: 24,
      complexity: true,
      minAgeSeconds: 86_400,
      maxAgeSeconds: 42 * 86_400,
      lockoutThreshold: 0,
      lockoutDurationSeconds: 1800,
      lockoutObservationWindowSeconds: 1800,
    });
  });

  it('complexity is bit 0 of pwdProperties only', () => {
    expect(domainRules({ ...SAMBA_DEFAULT_DOMAIN, pwdProperties: '16' }).complexity).toBe(false);
    expect(domainRules({ ...SAMBA_DEFAULT_DOMAIN, pwdProperties: '17' }).complexity).toBe(true);
  });

  it('"never" (0 or the largest negative int64) is null: passwords that never expire, lockouts until an administrator unlocks', () => {
    expect(intervalToSeconds('-9223372036854775808')).toBeNull();
    expect(intervalToSeconds('0')).toBeNull();
    expect(intervalToSeconds('-600000000')).toBe(60);
    const rules = domainRules({ ...SAMBA_DEFAULT_DOMAIN, maxPwdAge: '-9223372036854775808', lockoutDuration: '-9223372036854775808', minPwdAge: '0' });
    expect(rules).toMatchObject({ maxAgeSeconds: null, lockoutDurationSeconds: null, minAgeSeconds: 0 });
  });

  it('an attribute the service account cannot read is an error, not a zero', () => {
    const { minPwdLength: _gone, ...withoutLength } = SAMBA_DEFAULT_DOMAIN;
    expect(() => domainRules(withoutLength)).toThrow(UnreadablePolicyError);
    expect(() => intervalToSeconds('soon')).toThrow(RangeError);
  });

  it("reads a PSO's settings; a PSO whose settings are hidden is null", () => {
    const pso = {
      dn: 'CN=strict,CN=Password Settings Container,CN=System,DC=example,DC=test',
      'msDS-MinimumPasswordLength': '12',
      'msDS-PasswordHistoryLength': '5',
      'msDS-PasswordComplexityEnabled': 'TRUE',
      'msDS-MinimumPasswordAge': '0',
      'msDS-MaximumPasswordAge': '-36288000000000',
      'msDS-LockoutThreshold': '3',
      'msDS-LockoutDuration': '-18000000000',
      'msDS-LockoutObservationWindow': '-18000000000',
    };
    expect(psoRules(pso)).toEqual({
      source: 'pso',
      psoDn: pso.dn,
      minLength: 12,
      historyLength: 5,
      complexity: true,
      minAgeSeconds: 0,
      maxAgeSeconds: 42 * 86_400,
      lockoutThreshold: 3,
      lockoutDurationSeconds: 1800,
      lockoutObservationWindowSeconds: 1800,
    });
    expect(psoRules({ ...pso, 'msDS-PasswordComplexityEnabled': 'FALSE' })?.complexity).toBe(false);
    expect(psoRules({ dn: pso.dn })).toBeNull();
  });
});
