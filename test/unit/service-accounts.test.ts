import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { policyFor, policySchema } from '../../src/config/policy-schema.js';
import { DEFAULT_POLICY_SETTINGS, DEFAULT_TENANT_POLICY, decidePolicy, type TenantPolicy } from '../../src/core/policy/method-policy.js';
import { simulatePolicy } from '../../src/core/policy/policy-simulation.js';
import { isServiceAccount, markerAttributesOf, serviceAccountAttributeNames } from '../../src/core/policy/service-accounts.js';
import { isSuspicious, resetRefusal, startEligibility } from '../../src/core/reset/reset-eligibility.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';

const MARKS = { groups: ['Service Accounts', 'Domain Admins'], attribute: { name: 'employeeType', values: ['service', 'robot'] } };

/** Everyone may reset by a catch-all rule: the mark must win over it. */
const POLICY: TenantPolicy = {
  excludedGroups: ['admins'],
  serviceAccounts: MARKS,
  rules: [{ match: 'all', ssprEnabled: true, requiredMethods: 1 }],
  defaults: { ...DEFAULT_POLICY_SETTINGS },
};

const person = (extra: Partial<DirectoryAccount> = {}): DirectoryAccount => ({
  id: 'u1', tenantId: 'acme', username: 'svc-backup', email: 'svc@example.org', groups: [], enabled: true, locked: false, ...extra,
});

describe('isServiceAccount', () => {
  it('marks members of the groups, case-insensitively', () => {
    expect(isServiceAccount(MARKS, { groups: ['staff', 'domain admins'] })).toBe(true);
    expect(isServiceAccount(MARKS, { groups: ['staff'] })).toBe(false);
  });

  it('marks by the attribute, any configured value, names and values case-insensitively', () => {
    expect(isServiceAccount(MARKS, { groups: [], attributes: { employeetype: ['Robot'] } })).toBe(true);
    expect(isServiceAccount(MARKS, { groups: [], attributes: { employeetype: ['employee'] } })).toBe(false);
    expect(isServiceAccount(MARKS, { groups: [], attributes: {} })).toBe(false);
    expect(isServiceAccount(MARKS, { groups: [] })).toBe(false);
  });

  it('marks nobody without marks', () => {
    expect(isServiceAccount(undefined, { groups: ['Domain Admins'] })).toBe(false);
  });

  it('gives the adapters the attribute names to read and reads them by lower-case name', () => {
    expect(serviceAccountAttributeNames([MARKS, undefined, { groups: [], attribute: { name: 'EmployeeType', values: ['x'] } }])).toEqual(['employeetype']);
    expect(markerAttributesOf(['employeeType', 'title'], (name) => (name === 'employeeType' ? ['service'] : []))).toEqual({ employeetype: ['service'] });
    expect(markerAttributesOf([], () => ['x'])).toBeUndefined();
  });
});

describe('the policy decision for a service account', () => {
  it('is SSPR off with reason service_account, whatever rule would allow it', () => {
    const decision = decidePolicy(POLICY, { groups: ['Service Accounts'] });
    expect(decision).toMatchObject({ ssprEnabled: false, reason: 'service_account', ruleIndex: null, allowedMethods: [] });
    expect(decidePolicy(POLICY, { groups: [], attributes: { employeetype: ['service'] } }).reason).toBe('service_account');
    expect(decidePolicy(POLICY, { groups: ['staff'] })).toMatchObject({ ssprEnabled: true, ruleIndex: 0 });
  });

  it('comes before the excluded groups', () => {
    expect(decidePolicy(POLICY, { groups: ['admins', 'Domain Admins'] }).reason).toBe('service_account');
    expect(decidePolicy(POLICY, { groups: ['admins'] }).reason).toBe('excluded');
  });

  it("marks AD's built-in privileged groups by default", () => {
    for (const group of ['Domain Admins', 'Enterprise Admins', 'Schema Admins', 'Administrators', 'Account Operators', 'Backup Operators']) {
      expect(decidePolicy(DEFAULT_TENANT_POLICY, { groups: [group] }).reason).toBe('service_account');
    }
    expect(decidePolicy(DEFAULT_TENANT_POLICY, { groups: ['Domain Users'] }).ssprEnabled).toBe(true);
  });
});

describe('reset eligibility', () => {
  const policyFor = () => POLICY;

  it('refuses a service account with service_account before anything else, and only that is suspicious', () => {
    expect(resetRefusal(person({ groups: ['Service Accounts'] }), policyFor, true, 'reset')).toBe('service_account');
    expect(resetRefusal(person({ groups: ['Service Accounts'], enabled: false }), policyFor, true, 'unlock')).toBe('service_account');
    expect(resetRefusal(person({ attributes: { employeetype: ['service'] } }), policyFor, false, 'reset')).toBe('service_account');
    expect(resetRefusal(person(), policyFor, true, 'reset')).toBeNull();
    expect(isSuspicious('service_account')).toBe(true);
    for (const other of ['unknown_account', 'disabled', 'excluded', 'no_method', null] as const) expect(isSuspicious(other)).toBe(false);
  });

  it("a decoy start for a service account sends nothing real and uses the tenant's defaults, like any decoy", () => {
    const service = startEligibility({ tenantId: 'acme', account: person({ groups: ['Domain Admins'] }), policyFor, extraEmails: [], purpose: 'reset' });
    const unknown = startEligibility({ tenantId: 'acme', account: null, policyFor, extraEmails: [], purpose: 'reset' });
    expect(service.refusal).toBe('service_account');
    expect(service.linkAllowed).toBe(unknown.linkAllowed);
  });
});

describe('configuration and simulation', () => {
  const config = policySchema.parse(parse(`
default:
  serviceAccounts:
    groups: [svc]
    attribute: { name: employeeType, values: [service] }
tenants:
  acme:
    serviceAccounts: { groups: [robots] }
  globex: {}
`));

  it('a tenant replaces the default marks whole; others inherit them', () => {
    expect(policyFor(config, 'acme').serviceAccounts).toEqual({ groups: ['robots'] });
    expect(policyFor(config, 'globex').serviceAccounts).toEqual({ groups: ['svc'], attribute: { name: 'employeeType', values: ['service'] } });
  });

  it('refuses an attribute without values or with a bad name', () => {
    expect(policySchema.safeParse({ default: { serviceAccounts: { attribute: { name: 'employeeType', values: [] } } } }).success).toBe(false);
    expect(policySchema.safeParse({ default: { serviceAccounts: { attribute: { name: '(uid=*)', values: ['x'] } } } }).success).toBe(false);
  });

  it('the simulation says service account, for groups and for a person marked by the attribute', () => {
    const policy = policyFor(config, 'globex');
    const byGroup = simulatePolicy({ tenantId: 'globex', policy, subject: { kind: 'groups', groups: ['SVC'] } });
    expect(byGroup).toMatchObject({ outcome: 'decoy', refusal: 'service_account', reasons: ['service_account_group:svc'] });
    const byAttribute = simulatePolicy({ tenantId: 'globex', policy, subject: { kind: 'person', account: person({ tenantId: 'globex', attributes: { employeetype: ['service'] } }), registered: [] } });
    expect(byAttribute).toMatchObject({ outcome: 'decoy', refusal: 'service_account', reasons: ['service_account_attribute'], matchedRule: null });
  });
});
