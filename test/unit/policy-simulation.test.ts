import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_SETTINGS, DEFAULT_TENANT_POLICY, type PolicyDecisionInput, type TenantPolicy } from '../../src/core/policy/method-policy.js';
import { reasonText, simulatePolicy } from '../../src/core/policy/policy-simulation.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { MethodKind, RegisteredMethod } from '../../src/core/ports/methods.js';

const defaults: PolicyDecisionInput = { ...DEFAULT_POLICY_SETTINGS, allowedMethods: [...DEFAULT_POLICY_SETTINGS.allowedMethods], strongMethods: ['webauthn', 'totp'] };

/** The tenant of docs/policy.md's worked example, with Domain Admins excluded too. */
const acme: TenantPolicy = {
  excludedGroups: ['admins', 'service-accounts', 'Domain Admins'],
  defaults,
  rules: [
    { groups: ['it-staff'], requiredMethods: 2, requireStrong: true, allowedMethods: ['webauthn', 'email_code', 'email_link', 'totp'] },
    { groups: ['contractors'], ssprEnabled: false },
  ],
};

const person = (over: Partial<DirectoryAccount> = {}): DirectoryAccount => ({
  id: 'u1', tenantId: 'acme', username: 'dina', email: 'dina@example.com', groups: [], enabled: true, locked: false, ...over,
});

let seq = 0;
const method = (kind: MethodKind, over: Partial<RegisteredMethod> = {}): RegisteredMethod => ({
  id: `m${++seq}`, tenantId: 'acme', subjectId: 'u1', kind, name: kind, data: {}, confirmed: true, lastUsedStep: null, createdAt: new Date(0), lastUsedAt: null, usedAt: null, ...over,
});

const simulate = (account: DirectoryAccount | null, registered: RegisteredMethod[] = [], policy: TenantPolicy = acme, extra: { purpose?: 'reset' | 'unlock'; sms?: boolean } = {}) =>
  simulatePolicy({ tenantId: 'acme', policy, subject: { kind: 'person', account, registered }, purpose: extra.purpose, channels: { sms: extra.sms ?? false, questions: true } });

describe('simulatePolicy for a person', () => {
  it('a plain person with only the directory address: allowed, one proof, the emailed code or link works first', () => {
    const sim = simulate(person({ groups: ['sales'] }));
    expect(sim).toMatchObject({
      outcome: 'allowed',
      refusal: null,
      reasons: ['no_rule_matched'],
      proofsNeeded: 1,
      strongRequired: false,
      methodsShown: ['email_code', 'email_link', 'totp', 'backup_code', 'webauthn', 'access_pass'],
      methodsOffered: ['email_code', 'email_link'],
      methodsCounting: ['email_code', 'email_link'],
      canComplete: true,
      matchedRule: null,
    });
    expect(sim.secondSteps).toEqual([
      { after: 'email_code', complete: true, offered: [] },
      { after: 'email_link', complete: true, offered: [] },
    ]);
  });

  it('a member of an excluded group gets a decoy, named by the group as configured, whatever its case', () => {
    const sim = simulate(person({ groups: ['it-staff', 'DOMAIN ADMINS'] }));
    expect(sim).toMatchObject({ outcome: 'decoy', refusal: 'excluded', reasons: ['excluded_group:Domain Admins'], proofsNeeded: 0, methodsOffered: [], matchedRule: null });
    expect(reasonText(sim.reasons[0]!)).toBe('member of an excluded group: Domain Admins');
  });

  it('a rule that turns SSPR off gives a decoy naming the rule', () => {
    const sim = simulate(person({ groups: ['contractors'] }));
    expect(sim).toMatchObject({ outcome: 'decoy', refusal: 'sspr_disabled', reasons: ['sspr_disabled_by_rule:1'], matchedRule: { index: 1, label: 'rule 1 (groups: contractors)' } });
    const tenantOff = simulate(person(), [], { ...acme, defaults: { ...defaults, ssprEnabled: false } });
    expect(tenantOff).toMatchObject({ outcome: 'decoy', refusal: 'sspr_disabled', reasons: ['sspr_disabled_by_tenant'] });
  });

  it('unknown, disabled, no mailbox, unlock off: each a decoy with the reason the reset audits', () => {
    expect(simulate(null)).toMatchObject({ outcome: 'decoy', refusal: 'unknown_account', reasons: ['unknown_person'], matchedRule: null });
    expect(simulate(person({ enabled: false, locked: true }))).toMatchObject({ outcome: 'decoy', refusal: 'disabled', reasons: ['disabled', 'account_locked'] });
    expect(simulate(person({ email: undefined }), [method('totp')])).toMatchObject({ outcome: 'decoy', refusal: 'no_method', reasons: ['no_mailbox'] });
    const noUnlock = { ...acme, defaults: { ...defaults, unlockEnabled: false } };
    expect(simulate(person(), [], noUnlock, { purpose: 'unlock' })).toMatchObject({ outcome: 'decoy', refusal: 'unlock_disabled', reasons: ['unlock_disabled'] });
    expect(simulate(person(), [], noUnlock, { purpose: 'reset' }).outcome).toBe('allowed');
  });

  it('a confirmed extra address is a mailbox when the directory address is not trusted', () => {
    const untrusted = { ...acme, defaults: { ...defaults, directoryEmail: false } };
    expect(simulate(person(), [], untrusted)).toMatchObject({ outcome: 'decoy', refusal: 'no_method' });
    expect(simulate(person(), [method('email_code', { data: { email: 'home@example.org' }, confirmed: false })], untrusted).outcome).toBe('decoy');
    expect(simulate(person(), [method('email_code', { data: { email: 'home@example.org' } })], untrusted)).toMatchObject({ outcome: 'allowed', methodsOffered: ['email_code', 'email_link'] });
  });

  it('IT staff with only email: allowed, but two proofs with a strong one cannot be completed', () => {
    const sim = simulate(person({ groups: ['it-staff'] }));
    expect(sim).toMatchObject({ outcome: 'allowed', reasons: ['matched_rule:0', 'cannot_complete'], proofsNeeded: 2, strongRequired: true, canComplete: false, matchedRule: { index: 0, label: 'rule 0 (groups: it-staff)' } });
    expect(sim.secondSteps).toEqual([
      { after: 'email_code', complete: false, offered: [] },
      { after: 'email_link', complete: false, offered: [] },
    ]);
  });

  it('IT staff with an authenticator app: email then the app, or the app then email; backup codes and SMS do not count', () => {
    const sim = simulate(person({ groups: ['it-staff'], phone: '+41 79 123 45 67' }), [method('totp'), method('backup_code'), method('sms_code', { data: { phone: '+41791234567' } })], acme, { sms: true });
    // honourStrongest (on by default) changes nothing here: the rule already requires a strong proof.
    expect(sim).toMatchObject({ outcome: 'allowed', reasons: ['matched_rule:0', 'honours_strongest'], methodsOffered: ['email_code', 'email_link', 'totp'], methodsCounting: ['email_code', 'email_link', 'totp'], canComplete: true });
    expect(sim.secondSteps).toEqual([
      { after: 'email_code', complete: false, offered: ['totp'] },
      { after: 'email_link', complete: false, offered: ['totp'] },
      { after: 'totp', complete: false, offered: ['email_code'] },
    ]);
  });

  it('honours the strongest factor: with a passkey, an emailed code asks for the passkey or a backup code, never SMS', () => {
    const registered = [method('webauthn'), method('backup_code'), method('sms_code', { data: { phone: '+41791234567' } })];
    const sim = simulate(person(), registered, DEFAULT_TENANT_POLICY, { sms: true });
    expect(sim.reasons).toEqual(['no_rule_matched', 'honours_strongest']);
    expect(sim.secondSteps).toEqual([
      { after: 'email_code', complete: false, offered: ['webauthn', 'backup_code'] },
      { after: 'email_link', complete: false, offered: ['webauthn', 'backup_code'] },
      { after: 'backup_code', complete: true, offered: [] },
      { after: 'webauthn', complete: true, offered: [] },
    ]);
    const off: TenantPolicy = { ...DEFAULT_TENANT_POLICY, defaults: { ...DEFAULT_TENANT_POLICY.defaults, honourStrongest: false } };
    expect(simulate(person(), registered, off, { sms: true }).secondSteps.every((s) => s.complete)).toBe(true);
  });

  it('only what the person can use now counts: unconfirmed and spent methods do not', () => {
    const sim = simulate(person(), [method('totp', { confirmed: false }), method('backup_code', { usedAt: new Date(0) }), method('webauthn')]);
    expect(sim.methodsOffered).toEqual(['email_code', 'email_link', 'webauthn']);
  });

  it('second-proof-only kinds (SMS, questions) count but are never offered first', () => {
    const policy: TenantPolicy = { ...acme, defaults: { ...defaults, requiredMethods: 2, allowedMethods: ['email_code', 'sms_code', 'questions'] } };
    const questions = method('questions', { data: { questions: ['a?', 'b?', 'c?'] } });
    const withSms = simulate(person({ phone: '+41791234567' }), [method('sms_code', { data: { phone: '+41791234567' } }), questions], policy, { sms: true });
    expect(withSms.methodsOffered).toEqual(['email_code']);
    expect(withSms.methodsCounting).toEqual(['email_code', 'sms_code', 'questions']);
    expect(withSms.secondSteps).toEqual([{ after: 'email_code', complete: false, offered: ['sms_code', 'questions'] }]);
    // Without SMS providers the phone is nothing to prove with.
    const noSms = simulate(person(), [method('sms_code', { data: { phone: '+41791234567' } })], policy, { sms: false });
    expect(noSms).toMatchObject({ methodsCounting: ['email_code'], canComplete: false, reasons: ['no_rule_matched', 'cannot_complete'] });
  });

  it('allowed but nothing the person holds is allowed as a first proof', () => {
    const policy: TenantPolicy = { ...acme, defaults: { ...defaults, allowedMethods: ['webauthn', 'totp'] } };
    const sim = simulate(person(), [], policy);
    expect(sim).toMatchObject({ outcome: 'allowed', methodsOffered: [], methodsShown: ['totp', 'webauthn'], reasons: ['no_rule_matched', 'no_usable_method'], canComplete: false });
  });
});

describe('simulatePolicy for groups', () => {
  const groups = (list: string[], policy: TenantPolicy = acme) => simulatePolicy({ tenantId: 'acme', policy, subject: { kind: 'groups', groups: list } });

  it('takes an enabled member with a mailbox and every allowed method', () => {
    const sim = groups(['IT-Staff', 'contractors']);
    expect(sim).toMatchObject({ outcome: 'allowed', reasons: ['matched_rule:0', 'groups_only'], proofsNeeded: 2, strongRequired: true, methodsOffered: ['email_code', 'email_link', 'totp', 'webauthn'], canComplete: true });
    expect(sim.secondSteps.find((s) => s.after === 'email_code')).toEqual({ after: 'email_code', complete: false, offered: ['webauthn', 'totp'] });
    expect(sim.secondSteps.find((s) => s.after === 'totp')).toEqual({ after: 'totp', complete: false, offered: ['webauthn', 'email_code'] });
  });

  it('excluded and disabled groups are decoys; no groups at all gets the tenant settings', () => {
    expect(groups(['service-accounts'])).toMatchObject({ outcome: 'decoy', refusal: 'excluded', reasons: ['excluded_group:service-accounts'] });
    expect(groups(['contractors'])).toMatchObject({ outcome: 'decoy', refusal: 'sspr_disabled', reasons: ['sspr_disabled_by_rule:1'] });
    expect(groups([], DEFAULT_TENANT_POLICY)).toMatchObject({ outcome: 'allowed', reasons: ['no_rule_matched', 'groups_only'], proofsNeeded: 1, methodsOffered: ['email_code', 'email_link', 'totp', 'backup_code', 'webauthn', 'access_pass'] });
  });
});

describe('reasonText', () => {
  it('words every code, and keeps an unknown code as it is', () => {
    expect(reasonText('matched_rule:2')).toBe('decided by the first matching rule: rule 2');
    expect(reasonText('unknown_person')).toMatch(/no single account/);
    expect(reasonText('something_new')).toBe('something_new');
  });
});
