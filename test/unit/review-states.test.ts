import { describe, expect, it } from 'vitest';
import { LIVE_STATES, NEXT_STEP, RESET_TRANSITIONS, nextState, type ResetEvent, type ResetState } from '../../src/core/reset/reset-states.js';
import { approvalEvent, proofsCompleteEvent } from '../../src/core/risk/review-settings.js';
import type { FlowRisk } from '../../src/core/risk/risk-types.js';

const HOLD: FlowRisk = { score: 80, action: 'hold', reasons: [{ reason: 'new_device', points: 80 }] };
const STEP_UP: FlowRisk = { score: 40, action: 'step_up', reasons: [] };

describe('hold for review in the reset state table', () => {
  it('holds a flow whose proofs are complete, from either proof state', () => {
    expect(nextState('awaiting_code', 'hold_for_review')).toBe('awaiting_review');
    expect(nextState('awaiting_second_proof', 'hold_for_review')).toBe('awaiting_review');
  });

  it('leaves review by approval (password or unlock step), rejection, expiry or supersession', () => {
    expect(nextState('awaiting_review', 'review_approved')).toBe('awaiting_password');
    expect(nextState('awaiting_review', 'unlock_approved')).toBe('awaiting_unlock');
    expect(nextState('awaiting_review', 'review_rejected')).toBe('rejected');
    expect(nextState('awaiting_review', 'expire')).toBe('expired');
    expect(nextState('awaiting_review', 'supersede')).toBe('superseded');
  });

  it('takes no proof, password or unlock while held, and nothing else leads out of it', () => {
    const events: ResetEvent[] = ['code_ok', 'unlock_ready', 'unlock_ok', 'proof_partial', 'hold_for_review', 'code_bad', 'code_exhausted', 'password_ok', 'password_rejected'];
    for (const event of events) expect(nextState('awaiting_review', event)).toBeNull();
    expect(Object.keys(RESET_TRANSITIONS.awaiting_review).sort()).toEqual(['expire', 'review_approved', 'review_rejected', 'supersede', 'unlock_approved']);
  });

  it('reaches review only from complete proofs: not from the password or unlock step, and approval only from review', () => {
    for (const state of ['awaiting_password', 'awaiting_unlock'] as ResetState[]) expect(nextState(state, 'hold_for_review')).toBeNull();
    for (const state of Object.keys(RESET_TRANSITIONS) as ResetState[]) {
      if (state === 'awaiting_review') continue;
      for (const event of ['review_approved', 'unlock_approved', 'review_rejected'] as ResetEvent[]) expect(nextState(state, event)).toBeNull();
    }
  });

  it('counts a held flow as live (one per account; a newer reset supersedes it) and names its next step', () => {
    expect(LIVE_STATES).toContain('awaiting_review');
    expect(LIVE_STATES).not.toContain('rejected');
    expect(NEXT_STEP.awaiting_review).toBe('wait_for_review');
    expect(RESET_TRANSITIONS.rejected).toEqual({});
  });

  it('picks the event of complete proofs and of an approval from the flow', () => {
    expect(proofsCompleteEvent({ purpose: 'reset', risk: HOLD })).toBe('hold_for_review');
    expect(proofsCompleteEvent({ purpose: 'unlock', risk: HOLD })).toBe('hold_for_review');
    expect(proofsCompleteEvent({ purpose: 'reset', risk: STEP_UP })).toBe('code_ok');
    expect(proofsCompleteEvent({ purpose: 'unlock', risk: null })).toBe('unlock_ready');
    expect(proofsCompleteEvent({ purpose: 'reset' })).toBe('code_ok');
    expect(approvalEvent({ purpose: 'reset' })).toBe('review_approved');
    expect(approvalEvent({ purpose: 'unlock' })).toBe('unlock_approved');
  });
});
