import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY_SETTINGS,
  decidePolicy,
  honourStrongest,
  nextProofNeeded,
  proofsSatisfy,
  type PolicyDecision,
  type PolicyDecisionInput,
  type TenantPolicy,
} from '../../src/core/policy/method-policy.js';
import type { MethodKind } from '../../src/core/ports/methods.js';

const defaults: PolicyDecisionInput = { ...DEFAULT_POLICY_SETTINGS, allowedMethods: [...DEFAULT_POLICY_SETTINGS.allowedMethods, 'questions'] };

/** The default policy (one proof), with a rule that turns honourStrongest off for one group. */
const tenant: TenantPolicy = { excludedGroups: [], defaults, rules: [{ groups: ['kiosk'], honourStrongest: false }] };

const forPerson = (held: MethodKind[], groups: string[] = []): PolicyDecision => honourStrongest(decidePolicy(tenant, { groups }), held);

describe('honourStrongest', () => {
  it('is on by default, and a rule can turn it off for its group', () => {
    expect(DEFAULT_POLICY_SETTINGS.honourStrongest).toBe(true);
    expect(decidePolicy(tenant, { groups: [] }).honourStrongest).toBe(true);
    expect(decidePolicy(tenant, { groups: ['Kiosk'] }).honourStrongest).toBe(false);
  });

  it('asks a person with a passkey for a second proof after an emailed code: their passkey, app or a backup code, never SMS or questions', () => {
    const decision = forPerson(['email_code', 'webauthn', 'sms_code', 'questions']);
    // …or a temporary access pass from the helpdesk.
    expect(decision.mustProveAmong).toEqual(['totp', 'webauthn', 'backup_code', 'access_pass']);
    expect(proofsSatisfy(decision, ['email_code'])).toBe(false);
    expect(nextProofNeeded(decision, ['email_code'])).toEqual({ done: false, allowed: ['totp', 'webauthn', 'backup_code', 'access_pass'] });
    expect(proofsSatisfy(decision, ['email_code', 'sms_code'])).toBe(false);
    expect(proofsSatisfy(decision, ['email_code', 'questions'])).toBe(false);
    expect(proofsSatisfy(decision, ['email_code', 'webauthn'])).toBe(true);
    expect(proofsSatisfy(decision, ['email_code', 'backup_code'])).toBe(true);
  });

  it('lets the strong method, or a backup code (the lost-factor path), complete the reset alone', () => {
    const decision = forPerson(['webauthn']);
    expect(proofsSatisfy(decision, ['webauthn'])).toBe(true);
    expect(proofsSatisfy(decision, ['backup_code'])).toBe(true);
    expect(nextProofNeeded(decision, ['backup_code'])).toEqual({ done: true });
  });

  it('changes nothing for a person without a strong method, or where it is off', () => {
    for (const decision of [forPerson(['email_code', 'sms_code', 'backup_code']), forPerson(['webauthn'], ['kiosk'])]) {
      expect(decision.mustProveAmong).toBeUndefined();
      expect(proofsSatisfy(decision, ['email_code'])).toBe(true);
    }
  });

  it('counts only strong methods the policy allows: a passkey the policy does not allow cannot be asked for', () => {
    const noPasskeys = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, allowedMethods: ['email_code', 'totp'] } }, { groups: [] }), ['webauthn']);
    expect(noPasskeys.mustProveAmong).toBeUndefined();
    expect(proofsSatisfy(noPasskeys, ['email_code'])).toBe(true);
  });

  it('follows the policy strongMethods: an authenticator app that is not strong there does not trigger it', () => {
    const passkeysOnly = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, strongMethods: ['webauthn'] } }, { groups: [] }), ['totp']);
    expect(passkeysOnly.mustProveAmong).toBeUndefined();
    const withPasskey = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, strongMethods: ['webauthn'] } }, { groups: [] }), ['webauthn', 'totp']);
    expect(withPasskey.mustProveAmong).toEqual(['webauthn', 'backup_code', 'access_pass']);
    expect(proofsSatisfy(withPasskey, ['totp'])).toBe(false);
  });

  it('goes with requireStrong and two proofs: the last proof must then satisfy both', () => {
    const two = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, requiredMethods: 2, requireStrong: true } }, { groups: [] }), ['totp']);
    expect(nextProofNeeded(two, [])).toMatchObject({ done: false });
    expect(nextProofNeeded(two, ['email_code'])).toEqual({ done: false, allowed: ['totp', 'webauthn'] });
    expect(proofsSatisfy(two, ['backup_code', 'totp'])).toBe(true);
    expect(proofsSatisfy(two, ['email_code', 'backup_code'])).toBe(false);
  });

  it('does nothing with SSPR off', () => {
    const off = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, ssprEnabled: false } }, { groups: [] }), ['webauthn']);
    expect(off.mustProveAmong).toBeUndefined();
  });
});

describe('a temporary access pass', () => {
  it('completes the proofs on its own, even with two proofs and a strong one required', () => {
    const strict = honourStrongest(decidePolicy({ ...tenant, defaults: { ...defaults, requiredMethods: 2, requireStrong: true } }, { groups: [] }), ['webauthn']);
    expect(proofsSatisfy(strict, ['access_pass'])).toBe(true);
    expect(nextProofNeeded(strict, ['access_pass'])).toEqual({ done: true });
  });

  it('counts only where the policy allows it (never with SSPR off)', () => {
    const without = decidePolicy({ ...tenant, defaults: { ...defaults, allowedMethods: ['email_code'] } }, { groups: [] });
    expect(proofsSatisfy(without, ['access_pass'])).toBe(false);
    const off = decidePolicy({ ...tenant, defaults: { ...defaults, ssprEnabled: false } }, { groups: [] });
    expect(proofsSatisfy(off, ['access_pass'])).toBe(false);
  });
});
