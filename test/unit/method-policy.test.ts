import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_SETTINGS,
  DEFAULT_TENANT_POLICY,
  canRemoveMethod,
  decidePolicy,
  methodFamily,
  nextProofNeeded,
  policyProblems,
  proofsSatisfy,
  usableMethods,
  type PolicyDecision,
  type PolicyDecisionInput,
  type TenantPolicy,
} from '../../src/core/policy/method-policy.js';

const defaults: PolicyDecisionInput = { ...DEFAULT_POLICY_SETTINGS, allowedMethods: [...DEFAULT_POLICY_SETTINGS.allowedMethods], strongMethods: ['webauthn', 'totp'] };

/** The tenant from docs/policy.md: IT staff need a passkey and an emailed code, contractors no SSPR. */
const acme: TenantPolicy = {
  excludedGroups: ['admins', 'service-accounts'],
  defaults,
  rules: [
    { groups: ['it-staff'], requiredMethods: 2, requireStrong: true, allowedMethods: ['webauthn', 'email_code', 'email_link', 'totp'], registrationRequired: true },
    { groups: ['contractors'], ssprEnabled: false },
    { match: 'all', reconfirmDays: 180 },
  ],
};

const decisionWith = (settings: Partial<PolicyDecisionInput>): PolicyDecision =>
  decidePolicy({ excludedGroups: [], rules: [], defaults: { ...defaults, ...settings } }, { groups: [] });

describe('decidePolicy', () => {
  it('applies the built-in defaults to a tenant that configures nothing', () => {
    const decision = decidePolicy(DEFAULT_TENANT_POLICY, { groups: ['staff'] });
    expect(decision).toEqual({
      ssprEnabled: true,
      ruleIndex: null,
      allowedMethods: ['email_code', 'email_link', 'sms_code', 'totp', 'webauthn', 'backup_code', 'access_pass'],
      requiredMethods: 1,
      strongMethods: ['webauthn', 'totp'],
      requireStrong: false,
      honourStrongest: true,
      registrationRequired: false,
      reconfirmDays: null,
      unlockEnabled: true,
      directoryEmail: true,
      directoryPhone: false,
      trustImportedContacts: false,
    });
    expect(decision.allowedMethods).not.toContain('questions');
    expect(decidePolicy(DEFAULT_TENANT_POLICY, { groups: ['Admins'] })).toMatchObject({ ssprEnabled: false, reason: 'excluded' });
    expect(decidePolicy(DEFAULT_TENANT_POLICY, { groups: ['service-accounts'] }).reason).toBe('service_account');
  });

  it('lets the first matching rule decide, even when a later one also matches', () => {
    const decision = decidePolicy(acme, { groups: ['contractors', 'it-staff'] });
    expect(decision.ruleIndex).toBe(0);
    expect(decision).toMatchObject({ ssprEnabled: true, requiredMethods: 2, requireStrong: true });
    const reversed: TenantPolicy = { ...acme, rules: [acme.rules[1]!, acme.rules[0]!] };
    expect(decidePolicy(reversed, { groups: ['contractors', 'it-staff'] })).toMatchObject({ ssprEnabled: false, reason: 'disabled_by_rule', ruleIndex: 0 });
  });

  it('fills the fields a rule leaves out from the tenant defaults, never from a later rule', () => {
    const decision = decidePolicy(acme, { groups: ['it-staff'] });
    expect(decision.strongMethods).toEqual(['webauthn', 'totp']);
    // The catch-all's reconfirmDays does not leak into the it-staff decision.
    expect(decision.reconfirmDays).toBeNull();
    expect(decidePolicy(acme, { groups: ['sales'] })).toMatchObject({ ruleIndex: 2, reconfirmDays: 180, requiredMethods: 1, allowedMethods: defaults.allowedMethods });
  });

  it('takes an explicit null from a rule over a default', () => {
    const policy: TenantPolicy = { excludedGroups: [], defaults: { ...defaults, reconfirmDays: 90 }, rules: [{ groups: ['x'], reconfirmDays: null }] };
    expect(decidePolicy(policy, { groups: ['x'] }).reconfirmDays).toBeNull();
    expect(decidePolicy(policy, { groups: ['y'] }).reconfirmDays).toBe(90);
  });

  it('checks excluded groups before any rule', () => {
    const policy: TenantPolicy = { ...acme, rules: [{ groups: ['admins'], ssprEnabled: true }, ...acme.rules] };
    const decision = decidePolicy(policy, { groups: ['admins', 'it-staff'] });
    expect(decision).toMatchObject({ ssprEnabled: false, reason: 'excluded', ruleIndex: null, allowedMethods: [] });
  });

  it('compares group names case-insensitively, in rules and exclusions', () => {
    const policy: TenantPolicy = { ...acme, excludedGroups: ['Domain Admins'] };
    expect(decidePolicy(policy, { groups: ['IT-Staff'] }).ruleIndex).toBe(0);
    expect(decidePolicy({ ...acme, rules: [{ groups: ['CONTRACTORS'], ssprEnabled: false }] }, { groups: ['contractors'] }).reason).toBe('disabled_by_rule');
    expect(decidePolicy(policy, { groups: ['domain admins'] }).reason).toBe('excluded');
  });

  it('matches everyone with a catch-all, including people in no group', () => {
    expect(decidePolicy(acme, { groups: [] }).ruleIndex).toBe(2);
    expect(decidePolicy({ ...acme, rules: acme.rules.slice(0, 2) }, { groups: [] }).ruleIndex).toBeNull();
  });

  it('says whether SSPR is off by a rule or by the tenant, and offers nothing either way', () => {
    const off: TenantPolicy = { excludedGroups: [], defaults: { ...defaults, ssprEnabled: false }, rules: [{ groups: ['helpdesk'], ssprEnabled: true }, { groups: ['sales'], requiredMethods: 2 }] };
    expect(decidePolicy(off, { groups: ['helpdesk'] })).toMatchObject({ ssprEnabled: true, ruleIndex: 0 });
    expect(decidePolicy(off, { groups: ['sales'] })).toMatchObject({ ssprEnabled: false, reason: 'disabled_by_tenant', ruleIndex: 1, allowedMethods: [] });
    expect(decidePolicy(off, { groups: [] })).toMatchObject({ ssprEnabled: false, reason: 'disabled_by_tenant', ruleIndex: null });
    expect(decidePolicy(acme, { groups: ['contractors'] })).toMatchObject({ reason: 'disabled_by_rule', allowedMethods: [] });
  });

  it('hands out copies, so a caller cannot change the policy through a decision', () => {
    decidePolicy(acme, { groups: ['it-staff'] }).allowedMethods.push('questions');
    decidePolicy(DEFAULT_TENANT_POLICY, { groups: [] }).strongMethods.push('sms_code');
    expect(decidePolicy(acme, { groups: ['it-staff'] }).allowedMethods).not.toContain('questions');
    expect(decidePolicy(DEFAULT_TENANT_POLICY, { groups: [] }).strongMethods).toEqual(['webauthn', 'totp']);
  });
});

describe('usableMethods', () => {
  it('keeps registered, allowed kinds in the order registered, each once', () => {
    const decision = decisionWith({ allowedMethods: ['webauthn', 'email_code', 'totp'] });
    expect(usableMethods(decision, ['totp', 'questions', 'email_code', 'totp', 'sms_code'])).toEqual(['totp', 'email_code']);
    expect(usableMethods(decidePolicy(acme, { groups: ['contractors'] }), ['email_code'])).toEqual([]);
  });
});

describe('proofsSatisfy', () => {
  it('counts families, not proofs: two emails are one, code and link are one', () => {
    const two = decisionWith({ requiredMethods: 2 });
    expect(methodFamily('email_code')).toBe(methodFamily('email_link'));
    expect(proofsSatisfy(two, ['email_code', 'email_code'])).toBe(false);
    expect(proofsSatisfy(two, ['email_code', 'email_link'])).toBe(false);
    expect(proofsSatisfy(two, ['email_link', 'sms_code'])).toBe(true);
    expect(proofsSatisfy(two, ['totp', 'backup_code'])).toBe(true);
    expect(proofsSatisfy(decisionWith({}), ['email_link'])).toBe(true);
    expect(proofsSatisfy(decisionWith({}), [])).toBe(false);
  });

  it('does not count a proof of a kind the policy does not allow', () => {
    const two = decisionWith({ requiredMethods: 2 });
    expect(proofsSatisfy(two, ['email_code', 'questions'])).toBe(false);
    expect(proofsSatisfy(decidePolicy(acme, { groups: ['contractors'] }), ['webauthn', 'email_code'])).toBe(false);
  });

  it('needs a strong proof when requireStrong is set', () => {
    const strong = decisionWith({ requireStrong: true });
    expect(proofsSatisfy(strong, ['email_code'])).toBe(false);
    expect(proofsSatisfy(strong, ['sms_code', 'email_code'])).toBe(false);
    expect(proofsSatisfy(strong, ['totp'])).toBe(true);
    const itStaff = decidePolicy(acme, { groups: ['it-staff'] });
    expect(proofsSatisfy(itStaff, ['webauthn'])).toBe(false);
    expect(proofsSatisfy(itStaff, ['email_code', 'email_link'])).toBe(false);
    expect(proofsSatisfy(itStaff, ['email_code', 'webauthn'])).toBe(true);
  });
});

describe('nextProofNeeded', () => {
  it('walks a 2-method policy that needs one strong proof', () => {
    const itStaff = decidePolicy(acme, { groups: ['it-staff'] });
    expect(nextProofNeeded(itStaff, [])).toEqual({ done: false, allowed: ['webauthn', 'email_code', 'email_link', 'totp'] });
    // After an email, the only proof that can complete the policy is a strong one, and no email again.
    expect(nextProofNeeded(itStaff, ['email_code'])).toEqual({ done: false, allowed: ['webauthn', 'totp'] });
    expect(nextProofNeeded(itStaff, ['email_code', 'webauthn'])).toEqual({ done: true });
    // After the passkey, any other family will do.
    expect(nextProofNeeded(itStaff, ['webauthn'])).toEqual({ done: false, allowed: ['email_code', 'email_link', 'totp'] });
    expect(nextProofNeeded(itStaff, ['webauthn', 'totp'])).toEqual({ done: true });
  });

  it('walks a 2-method policy without requireStrong', () => {
    const two = decisionWith({ requiredMethods: 2, allowedMethods: ['email_link', 'sms_code', 'backup_code'] });
    expect(nextProofNeeded(two, [])).toEqual({ done: false, allowed: ['email_link', 'sms_code', 'backup_code'] });
    expect(nextProofNeeded(two, ['email_code'])).toEqual({ done: false, allowed: ['email_link', 'sms_code', 'backup_code'] });
    expect(nextProofNeeded(two, ['email_link'])).toEqual({ done: false, allowed: ['sms_code', 'backup_code'] });
    expect(nextProofNeeded(two, ['email_link', 'email_link'])).toEqual({ done: false, allowed: ['sms_code', 'backup_code'] });
    expect(nextProofNeeded(two, ['email_link', 'backup_code'])).toEqual({ done: true });
  });

  it('offers only strong kinds from the start when one proof must be strong', () => {
    expect(nextProofNeeded(decisionWith({ requireStrong: true }), [])).toEqual({ done: false, allowed: ['totp', 'webauthn'] });
  });

  it('offers nothing when SSPR is off', () => {
    expect(nextProofNeeded(decidePolicy(acme, { groups: ['admins'] }), [])).toEqual({ done: false, allowed: [] });
  });
});

describe('canRemoveMethod', () => {
  const itStaff = decidePolicy(acme, { groups: ['it-staff'] });
  const single = decisionWith({});

  it('refuses removing the last method when one is needed', () => {
    expect(canRemoveMethod(single, ['email_code'], 'email_code')).toBe(false);
    expect(canRemoveMethod(single, ['email_code', 'totp'], 'email_code')).toBe(true);
  });

  it('refuses removing the only strong method a requireStrong policy needs, but not one of two passkeys', () => {
    expect(canRemoveMethod(itStaff, ['webauthn', 'email_code'], 'webauthn')).toBe(false);
    expect(canRemoveMethod(itStaff, ['webauthn', 'webauthn', 'email_code'], 'webauthn')).toBe(true);
    expect(canRemoveMethod(itStaff, ['webauthn', 'totp', 'email_code'], 'webauthn')).toBe(true);
  });

  it('refuses removing one family of two when two are needed, whatever else of the same family is left', () => {
    const two = decisionWith({ requiredMethods: 2 });
    expect(canRemoveMethod(two, ['email_code', 'email_link', 'sms_code'], 'sms_code')).toBe(false);
    expect(canRemoveMethod(two, ['email_code', 'email_link', 'sms_code'], 'email_code')).toBe(true);
  });

  it('always lets go of a kind that does not count', () => {
    expect(canRemoveMethod(single, ['questions'], 'questions')).toBe(true);
    expect(canRemoveMethod(itStaff, ['webauthn', 'email_code', 'sms_code'], 'sms_code')).toBe(true);
    expect(canRemoveMethod(decidePolicy(acme, { groups: ['contractors'] }), ['email_code'], 'email_code')).toBe(true);
  });

  it('does not let a person who already falls short move further away', () => {
    const two = decisionWith({ requiredMethods: 2 });
    expect(canRemoveMethod(two, ['email_code'], 'email_code')).toBe(false);
    expect(canRemoveMethod(itStaff, ['email_code', 'email_link'], 'email_link')).toBe(false);
  });

  it('answers for an unregistered kind as for the registrations left unchanged', () => {
    expect(canRemoveMethod(single, ['totp'], 'email_code')).toBe(true);
    expect(canRemoveMethod(single, [], 'email_code')).toBe(false);
  });
});

describe('policyProblems', () => {
  it('finds settings nobody could satisfy', () => {
    expect(policyProblems(defaults)).toEqual([]);
    expect(policyProblems({ ...defaults, allowedMethods: [] })).toEqual([expect.stringMatching(/allowedMethods is empty/)]);
    expect(policyProblems({ ...defaults, requiredMethods: 2, allowedMethods: ['email_code', 'email_link'] })).toEqual([expect.stringMatching(/only one kind/)]);
    expect(policyProblems({ ...defaults, requireStrong: true, allowedMethods: ['email_code', 'sms_code'] })).toEqual([expect.stringMatching(/strongMethods/)]);
    expect(policyProblems({ ...defaults, ssprEnabled: false, allowedMethods: [] })).toEqual([]);
  });
});
