import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_SETTINGS, decidePolicy, honourStrongest, nextProofNeeded, proofsSatisfy, type PolicyDecision, type PolicyDecisionInput } from '../../src/core/policy/method-policy.js';
import type { MethodKind } from '../../src/core/ports/methods.js';
import type { FlowRisk, RiskAction } from '../../src/core/risk/risk-types.js';
import { isSteppedUp, stepUp } from '../../src/core/risk/step-up.js';

const risk = (action: RiskAction): FlowRisk => ({ score: 50, action, reasons: [{ reason: 'new_device', points: 50 }] });

/** The decision a person of these settings gets, their strongest factor honoured, then the flow's risk. */
function decisionFor(held: MethodKind[], action: RiskAction | null, settings: Partial<PolicyDecisionInput> = {}): PolicyDecision {
  const base = honourStrongest(decidePolicy({ excludedGroups: [], rules: [], defaults: { ...DEFAULT_POLICY_SETTINGS, ...settings } }, { groups: [] }), held);
  return stepUp(base, held, action === null ? null : risk(action));
}

describe('step-up (risk action step_up)', () => {
  it('asks one proof more than a one-proof policy: an emailed code alone no longer completes', () => {
    const d = decisionFor(['email_code', 'sms_code'], 'step_up');
    expect(d.requiredMethods).toBe(2);
    expect(proofsSatisfy(d, ['email_code'])).toBe(false);
    expect(proofsSatisfy(d, ['email_code', 'sms_code'])).toBe(true);
    // Without step-up the same person is done after the code.
    expect(proofsSatisfy(decisionFor(['email_code', 'sms_code'], 'allow'), ['email_code'])).toBe(true);
  });

  it('asks for a strong proof from a person who holds one, and offers only strong kinds for the last proof', () => {
    const d = decisionFor(['email_code', 'totp', 'sms_code'], 'step_up');
    expect(d.requireStrong).toBe(true);
    expect(proofsSatisfy(d, ['email_code', 'sms_code'])).toBe(false);
    expect(proofsSatisfy(d, ['email_code', 'totp'])).toBe(true);
    const next = nextProofNeeded(d, ['email_code']);
    expect(next.done).toBe(false);
    expect(next.done ? [] : next.allowed.sort()).toEqual(['totp', 'webauthn']);
  });

  it('does not ask for a strong proof a person does not have', () => {
    const d = decisionFor(['email_code', 'sms_code'], 'step_up');
    expect(d.requireStrong).toBe(false);
  });

  it('keeps two proofs where the policy already needs two, and adds strong when the person holds it', () => {
    const two = { requiredMethods: 2 as const, honourStrongest: false };
    const withApp = decisionFor(['email_code', 'totp', 'sms_code'], 'step_up', two);
    expect(withApp.requiredMethods).toBe(2);
    expect(withApp.requireStrong).toBe(true);
    expect(proofsSatisfy(withApp, ['email_code', 'sms_code'])).toBe(false);
    expect(proofsSatisfy(decisionFor(['email_code', 'totp', 'sms_code'], 'allow', two), ['email_code', 'sms_code'])).toBe(true);
    const withoutApp = decisionFor(['email_code', 'sms_code'], 'step_up', two);
    expect(withoutApp).toMatchObject({ requiredMethods: 2, requireStrong: false });
  });

  it('leaves a person with one method nothing to offer after the first proof (the helpdesk path)', () => {
    const d = decisionFor(['email_code'], 'step_up');
    expect(proofsSatisfy(d, ['email_code'])).toBe(false);
    const next = nextProofNeeded(d, ['email_code']);
    // The policy still allows other kinds, but the person holds none of them: the page offers no choice.
    expect(next.done ? [] : next.allowed).not.toContain('email_code');
    expect(next.done ? [] : next.allowed).not.toContain('email_link');
  });

  it('changes nothing for other actions, no risk, or SSPR off; a helpdesk access pass still completes alone', () => {
    for (const action of ['allow', 'proof_of_work', 'hold', 'deny'] as RiskAction[]) {
      expect(decisionFor(['email_code', 'totp'], action)).toEqual(decisionFor(['email_code', 'totp'], null));
      expect(isSteppedUp(risk(action))).toBe(false);
    }
    expect(isSteppedUp(risk('step_up'))).toBe(true);
    expect(isSteppedUp(null)).toBe(false);
    const off = decisionFor(['email_code'], 'step_up', { ssprEnabled: false });
    expect(off.ssprEnabled).toBe(false);
    expect(off.requiredMethods).toBe(1);
    expect(proofsSatisfy(decisionFor(['email_code', 'totp'], 'step_up'), ['access_pass'])).toBe(true);
  });
});
