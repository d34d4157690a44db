import { describe, expect, it } from 'vitest';
import { enrolmentNeed } from '../../src/core/enrolment/enrolment-need.js';
import { allowedReturnTo } from '../../src/core/enrolment/return-to.js';
import { decidePolicy, DEFAULT_TENANT_POLICY, type TenantPolicy } from '../../src/core/policy/method-policy.js';
import { enrolmentFor, enrolmentSchema } from '../../src/config/enrolment-schema.js';

const person = { groups: ['staff'] };
const policy = (defaults: Partial<TenantPolicy['defaults']>): TenantPolicy => ({ ...DEFAULT_TENANT_POLICY, defaults: { ...DEFAULT_TENANT_POLICY.defaults, ...defaults } });

describe('enrolmentNeed', () => {
  it('counts only the person’s own methods: nothing registered is not enough, whatever directoryEmail says', () => {
    const need = enrolmentNeed(decidePolicy(DEFAULT_TENANT_POLICY, person), []);
    expect(need).toMatchObject({ satisfied: false, outOfScope: false, moreKinds: 1, needsStrong: false });
    expect(need.suggested).toContain('totp');
    expect(need.suggested).not.toContain('questions');
    expect(enrolmentNeed(decidePolicy(DEFAULT_TENANT_POLICY, person), ['backup_code']).satisfied).toBe(true);
  });

  it('two kinds and a strong one when the policy says so', () => {
    const decision = decidePolicy(policy({ requiredMethods: 2, requireStrong: true }), person);
    expect(enrolmentNeed(decision, ['email_code'])).toMatchObject({ satisfied: false, moreKinds: 1, needsStrong: true, suggested: ['totp', 'webauthn'] });
    expect(enrolmentNeed(decision, ['email_code', 'email_link'])).toMatchObject({ satisfied: false, moreKinds: 1 });
    expect(enrolmentNeed(decision, ['email_code', 'totp']).satisfied).toBe(true);
  });

  it('people out of scope (excluded groups) need nothing', () => {
    expect(enrolmentNeed(decidePolicy(DEFAULT_TENANT_POLICY, { groups: ['admins'] }), [])).toMatchObject({ satisfied: true, outOfScope: true });
  });
});

describe('allowedReturnTo', () => {
  const list = ['https://intranet.example.org', 'https://idp.example.org/realms/acme/', 'https://sso.example.org/app'];
  it.each([
    ['https://intranet.example.org/anything?x=1', 'https://intranet.example.org/anything?x=1'],
    ['https://idp.example.org/realms/acme/login-actions/x', 'https://idp.example.org/realms/acme/login-actions/x'],
    ['https://sso.example.org/app', 'https://sso.example.org/app'],
    ['https://sso.example.org/app/next', 'https://sso.example.org/app/next'],
  ])('allows %s', (value, expected) => {
    expect(allowedReturnTo(value, list)).toBe(expected);
  });
  it.each([
    'https://idp.example.org/realms/other/',
    'https://idp.example.org/realms/acme/../other/',
    'https://sso.example.org/application',
    'https://intranet.example.org:8443/',
    'http://intranet.example.org/',
    'https://intranet.example.org.evil.net/',
    'https://a@intranet.example.org/',
    '//intranet.example.org/',
    'javascript:alert(1)',
    'https://intranet.example.org/\r\nSet-Cookie: x',
    '',
  ])('refuses %s', (value) => {
    expect(allowedReturnTo(value, list)).toBeNull();
  });
  it('refuses everything with an empty list', () => {
    expect(allowedReturnTo('https://intranet.example.org/', [])).toBeNull();
  });
});

describe('enrolment config', () => {
  it('resolves defaults, the global settings and a tenant override', () => {
    const config = enrolmentSchema.parse({ reminders: { enabled: true, everyDays: 5 }, registrationDeadline: '2027-03-31', tenants: { b: { reminders: { maxReminders: 9 }, registrationDeadline: null } } });
    expect(enrolmentFor(config, 'a')).toEqual({
      reminders: { enabled: true, firstAfterDays: 0, everyDays: 5, maxReminders: 4, overdueEveryDays: 2, maxOverdueReminders: 5 },
      registrationDeadline: new Date('2027-03-31T00:00:00Z'),
    });
    expect(enrolmentFor(config, 'b')).toMatchObject({ reminders: { everyDays: 5, maxReminders: 9 }, registrationDeadline: null });
  });
  it('refuses a bad deadline and an allowlist entry with a query', () => {
    expect(enrolmentSchema.safeParse({ registrationDeadline: '2027-02-30' }).success).toBe(false);
    expect(enrolmentSchema.safeParse({ returnToAllowlist: ['https://x.example.org/?a=1'] }).success).toBe(false);
    expect(enrolmentSchema.safeParse({ returnToAllowlist: ['ftp://x.example.org/'] }).success).toBe(false);
  });
});
