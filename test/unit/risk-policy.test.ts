import { describe, expect, it } from 'vitest';
import { bandAction, decideAfter, decideBefore, riskPolicyFor, scoreOf, stricter } from '../../src/core/risk/risk-policy.js';
import type { RiskBand } from '../../src/core/risk/risk-settings.js';
import type { RiskSignal } from '../../src/core/risk/risk-types.js';
import { riskSettings } from '../helpers/risk-settings.js';

const FULL: RiskBand[] = [
  { min: 30, action: 'proof_of_work' },
  { min: 60, action: 'step_up' },
  { min: 80, action: 'hold' },
  { min: 95, action: 'deny' },
];
const signal = (points: number, reason: RiskSignal['reason'] = 'ip_velocity'): RiskSignal => ({ reason, points });

describe('bands', () => {
  it.each([
    [0, 'allow'], [29, 'allow'], [30, 'proof_of_work'], [59, 'proof_of_work'], [60, 'step_up'], [80, 'hold'], [94, 'hold'], [95, 'deny'], [100, 'deny'],
  ] as const)('score %i → %s', (score, action) => {
    expect(bandAction(score, FULL)).toBe(action);
  });

  it('defaults ask for proof-of-work from 40 and a step-up from 70, never hold or deny', () => {
    const { bands } = riskPolicyFor(riskSettings(), 't1');
    expect(bandAction(39, bands)).toBe('allow');
    expect(bandAction(40, bands)).toBe('proof_of_work');
    expect(bandAction(70, bands)).toBe('step_up');
    expect(bandAction(100, bands)).toBe('step_up');
  });

  it('caps the score at 100', () => {
    expect(scoreOf([signal(70), signal(60)])).toBe(100);
    expect(stricter('hold', 'step_up')).toBe('hold');
  });
});

describe('policy per tenant and group', () => {
  const settings = riskSettings({
    bands: FULL,
    rules: [{ groups: ['Domain-Admins'], bands: [{ min: 10, action: 'hold' }] }, { groups: ['staff'], bands: [{ min: 10, action: 'step_up' }] }],
    tenants: { quiet: { enabled: false }, strict: { bands: [{ min: 5, action: 'deny' }], rules: [] } },
  });

  it('uses the tenant override over the defaults', () => {
    expect(riskPolicyFor(settings, 'quiet').enabled).toBe(false);
    expect(riskPolicyFor(settings, 'strict').bands).toEqual([{ min: 5, action: 'deny' }]);
    expect(riskPolicyFor(settings, 'other').bands).toEqual(FULL);
  });

  it('takes the first rule naming one of the groups (case-insensitively), only when groups are known', () => {
    expect(riskPolicyFor(settings, 'other', ['staff', 'domain-admins']).bands).toEqual([{ min: 10, action: 'hold' }]);
    expect(riskPolicyFor(settings, 'other', ['STAFF']).bands).toEqual([{ min: 10, action: 'step_up' }]);
    expect(riskPolicyFor(settings, 'other', ['nobody']).bands).toEqual(FULL);
    expect(riskPolicyFor(settings, 'strict', ['staff']).bands).toEqual([{ min: 5, action: 'deny' }]);
  });
});

describe('combination', () => {
  const policy = { enabled: true, bands: FULL };

  it('before the lookup only allows, asks for proof-of-work or denies', () => {
    expect(decideBefore([signal(10)], policy).action).toBe('allow');
    expect(decideBefore([signal(35)], policy).action).toBe('proof_of_work');
    expect(decideBefore([signal(65)], policy).action).toBe('proof_of_work');
    expect(decideBefore([signal(85)], policy).action).toBe('proof_of_work');
    expect(decideBefore([signal(99)], policy).action).toBe('deny');
  });

  it('attack mode asks for proof-of-work whatever the score', () => {
    const decision = decideBefore([signal(1, 'attack_mode')], policy);
    expect(decision).toEqual({ score: 1, action: 'proof_of_work', reasons: [{ reason: 'attack_mode', points: 1 }] });
  });

  it('after the lookup adds the account signals, may step up, hold or deny, and is never milder than before', () => {
    const before = decideBefore([signal(35)], policy);
    expect(decideAfter(before, [], policy)).toMatchObject({ score: 35, action: 'proof_of_work' });
    expect(decideAfter(before, [signal(30, 'new_device')], policy)).toMatchObject({ score: 65, action: 'step_up' });
    expect(decideAfter(before, [signal(50, 'failed_proofs')], policy)).toMatchObject({ score: 85, action: 'hold' });
    const after = decideAfter(before, [signal(40, 'impossible_travel'), signal(20, 'unusual_hour')], policy);
    expect(after).toMatchObject({ score: 95, action: 'deny' });
    expect(after.reasons.map((r) => r.reason)).toEqual(['ip_velocity', 'impossible_travel', 'unusual_hour']);
    const milder = { enabled: true, bands: [{ min: 90, action: 'hold' as const }] };
    expect(decideAfter(before, [], milder).action).toBe('proof_of_work');
  });

  it('a surge for the tenant and attack mode ask for proof-of-work at most, never a step-up, hold or denial', () => {
    const crowd = [signal(40, 'attack_mode'), signal(60, 'tenant_velocity')];
    const before = decideBefore(crowd, policy);
    expect(before).toMatchObject({ score: 100, action: 'proof_of_work' });
    // A person with nothing against them stays at proof-of-work in a flood (they can finish with one mailbox).
    expect(decideAfter(before, [], policy)).toMatchObject({ score: 100, action: 'proof_of_work' });
    // Their own signals still count on their own: 65 points of them step up as they would without the flood.
    expect(decideAfter(before, [signal(35, 'new_device'), signal(30, 'unusual_hour')], policy).action).toBe('step_up');
    expect(decideAfter(before, [signal(20, 'new_device')], policy).action).toBe('proof_of_work');
  });
});
