import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { policyFor, policySchema } from '../../src/config/policy-schema.js';
import { DEFAULT_POLICY_SETTINGS, decidePolicy } from '../../src/core/policy/method-policy.js';
import { DEFAULT_SERVICE_ACCOUNT_GROUPS } from '../../src/core/policy/service-accounts.js';

/** The worked example of docs/policy.md. */
const EXAMPLE = `
default:
  allowedMethods: [email_code, email_link, sms_code, totp, webauthn, backup_code]
  excludedGroups: [admins, service-accounts]
tenants:
  acme:
    excludedGroups: [admins, service-accounts, domain-admins]
    rules:
      - groups: [it-staff]
        requiredMethods: 2
        requireStrong: true
        allowedMethods: [webauthn, email_code, email_link, totp]
        registrationRequired: true
      - groups: [contractors]
        ssprEnabled: false
      - match: all
        requiredMethods: 1
`;

/** The first issue's path (as the config loader prints it, after `policy.`) and message. */
const firstIssue = (value: unknown): string => {
  const result = policySchema.safeParse(value);
  if (result.success) return 'ok';
  const issue = result.error.issues[0]!;
  return `${issue.path.join('.')}: ${issue.message}`;
};

describe('policySchema', () => {
  it('gives the built-in defaults when the section is absent', () => {
    const config = policySchema.parse(undefined);
    expect(config.default).toEqual({ ...DEFAULT_POLICY_SETTINGS, excludedGroups: ['admins', 'service-accounts'], serviceAccounts: { groups: [...DEFAULT_SERVICE_ACCOUNT_GROUPS] } });
    expect(config.tenants).toEqual({});
    expect(config.default.allowedMethods).not.toContain('questions');
  });

  it('parses the documented example', () => {
    const config = policySchema.parse(parse(EXAMPLE));
    expect(config.tenants.acme!.rules).toHaveLength(3);
    expect(config.tenants.acme!.rules[1]).toEqual({ groups: ['contractors'], ssprEnabled: false });
  });

  it('accepts questions as an allowed (weak) method but never as a strong one', () => {
    expect(firstIssue({ default: { allowedMethods: ['questions', 'email_code'] } })).toBe('ok');
    expect(firstIssue({ default: { strongMethods: ['webauthn', 'questions'] } })).toBe('default.strongMethods: security questions cannot count as strong');
  });

  it('refuses a rule with both groups and match, naming the rule', () => {
    expect(firstIssue({ tenants: { acme: { rules: [{ groups: ['a'] }, { groups: ['b'], match: 'all' }] } } })).toBe(
      'tenants.acme.rules.1: a rule has either groups or match: all, not both',
    );
    expect(firstIssue({ tenants: { acme: { rules: [{ requiredMethods: 2 }] } } })).toMatch(/^tenants\.acme\.rules\.0: a rule needs groups/);
    expect(firstIssue({ tenants: { acme: { rules: [{ groups: [] }] } } })).toMatch(/^tenants\.acme\.rules\.0\.groups: list at least one group/);
    expect(firstIssue({ tenants: { acme: { rules: [{ match: 'everyone' }] } } })).toMatch(/^tenants\.acme\.rules\.0\.match: /);
  });

  it('refuses requiredMethods other than 1 or 2', () => {
    expect(firstIssue({ default: { requiredMethods: 3 } })).toBe('default.requiredMethods: must be 1 or 2');
    expect(firstIssue({ tenants: { acme: { rules: [{ match: 'all', requiredMethods: 0 }] } } })).toBe('tenants.acme.rules.0.requiredMethods: must be 1 or 2');
  });

  it('refuses unknown keys and unknown method kinds', () => {
    expect(firstIssue({ default: { requiredMethod: 2 } })).toMatch(/^default: Unrecognized key: "requiredMethod"/);
    expect(firstIssue({ tenants: { acme: { rules: [{ match: 'all', allowedMethod: [] }] } } })).toMatch(/^tenants\.acme\.rules\.0: Unrecognized key/);
    expect(firstIssue({ default: { allowedMethods: ['email', 'totp'] } })).toMatch(/^default\.allowedMethods\.0: expected one of email_code, /);
    expect(firstIssue({ tenants: { Acme: {} } })).toMatch(/^tenants\.Acme: not a tenant id/);
  });

  it('refuses rules after a catch-all, which could never match', () => {
    expect(firstIssue({ tenants: { acme: { rules: [{ match: 'all' }, { groups: ['x'] }] } } })).toMatch(/^tenants\.acme\.rules\.1: can never match/);
  });

  it('refuses settings nobody could satisfy, where they take effect', () => {
    expect(firstIssue({ default: { allowedMethods: [] } })).toMatch(/^default: allowedMethods is empty/);
    // The default alone is fine; the tenant's own setting combined with it is not.
    expect(firstIssue({ tenants: { acme: { requiredMethods: 2, allowedMethods: ['email_code', 'email_link'] } } })).toMatch(/^tenants\.acme: requiredMethods is 2/);
    // A rule inherits the tenant's allowed methods; here only email, so two kinds are impossible.
    expect(firstIssue({ tenants: { acme: { allowedMethods: ['email_code'], rules: [{ groups: ['x'], requiredMethods: 2 }] } } })).toMatch(
      /^tenants\.acme\.rules\.0: requiredMethods is 2/,
    );
    expect(firstIssue({ tenants: { acme: { rules: [{ groups: ['x'], requireStrong: true, allowedMethods: ['email_code', 'sms_code'] }] } } })).toMatch(
      /^tenants\.acme\.rules\.0: requireStrong is true but no allowed method/,
    );
    // Unsatisfiable settings are fine where SSPR is off.
    expect(firstIssue({ tenants: { acme: { rules: [{ groups: ['x'], ssprEnabled: false, allowedMethods: [] }] } } })).toBe('ok');
  });
});

describe('policyFor', () => {
  const config = policySchema.parse({
    default: { requiredMethods: 1, reconfirmDays: 365, excludedGroups: ['admins'] },
    tenants: {
      acme: { requiredMethods: 2, reconfirmDays: null, rules: [{ groups: ['it-staff'], requireStrong: true }, { match: 'all' }] },
      globex: { excludedGroups: ['domain-admins'] },
    },
  });

  it('puts a tenant’s settings over the default, field by field', () => {
    const acme = policyFor(config, 'acme');
    expect(acme.defaults).toEqual({ ...DEFAULT_POLICY_SETTINGS, requiredMethods: 2, reconfirmDays: null });
    expect(acme.excludedGroups).toEqual(['admins']);
    expect(acme.rules).toEqual([{ groups: ['it-staff'], requireStrong: true }, { match: 'all' }]);
  });

  it('replaces the excluded groups as a whole when a tenant lists its own', () => {
    expect(policyFor(config, 'globex').excludedGroups).toEqual(['domain-admins']);
    expect(policyFor(config, 'globex').defaults.reconfirmDays).toBe(365);
  });

  it('gives a tenant that is not listed the default and no rules', () => {
    expect(policyFor(config, 'initech')).toEqual({ excludedGroups: ['admins'], serviceAccounts: { groups: [...DEFAULT_SERVICE_ACCOUNT_GROUPS] }, rules: [], defaults: { ...DEFAULT_POLICY_SETTINGS, reconfirmDays: 365 } });
    expect(policyFor(config, 'constructor').rules).toEqual([]);
  });

  it('feeds the engine: the documented example decides as the docs say', () => {
    const acme = policyFor(policySchema.parse(parse(EXAMPLE)), 'acme');
    expect(decidePolicy(acme, { groups: ['it-staff'] })).toMatchObject({ ruleIndex: 0, requiredMethods: 2, requireStrong: true, registrationRequired: true });
    expect(decidePolicy(acme, { groups: ['Contractors'] })).toMatchObject({ ssprEnabled: false, reason: 'disabled_by_rule' });
    expect(decidePolicy(acme, { groups: ['sales'] })).toMatchObject({ ruleIndex: 2, requiredMethods: 1, ssprEnabled: true });
    expect(decidePolicy(acme, { groups: ['Domain-Admins', 'it-staff'] })).toMatchObject({ ssprEnabled: false, reason: 'excluded' });
  });

  it('returns fresh objects, so the engine cannot change the parsed config', () => {
    const first = policyFor(config, 'acme');
    first.defaults.allowedMethods.push('questions');
    expect(policyFor(config, 'acme').defaults.allowedMethods).not.toContain('questions');
    expect(config.default.allowedMethods).not.toContain('questions');
  });
});
