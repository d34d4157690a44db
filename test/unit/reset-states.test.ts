import { describe, expect, it } from 'vitest';
import { LIVE_STATES, RESET_TRANSITIONS, nextState, type ResetEvent, type ResetState } from '../../src/core/reset/reset-states.js';

describe('reset state table', () => {
  it('walks the happy path start → code → password → completed', () => {
    expect(nextState('awaiting_code', 'code_ok')).toBe('awaiting_password');
    expect(nextState('awaiting_password', 'password_ok')).toBe('completed');
  });

  it('keeps the flow at its step on a wrong code or a rejected password', () => {
    expect(nextState('awaiting_code', 'code_bad')).toBe('awaiting_code');
    expect(nextState('awaiting_password', 'password_rejected')).toBe('awaiting_password');
  });

  it('asks for a second proof when the policy needs one, and ends the flow when codes are exhausted there too', () => {
    expect(nextState('awaiting_code', 'proof_partial')).toBe('awaiting_second_proof');
    expect(nextState('awaiting_second_proof', 'code_ok')).toBe('awaiting_password');
    expect(nextState('awaiting_second_proof', 'code_bad')).toBe('awaiting_second_proof');
    expect(nextState('awaiting_second_proof', 'code_exhausted')).toBe('failed');
    expect(nextState('awaiting_second_proof', 'password_ok')).toBeNull();
  });

  it('ends the flow when codes are exhausted', () => {
    expect(nextState('awaiting_code', 'code_exhausted')).toBe('failed');
  });

  it('has no way out of a terminal state', () => {
    const events: ResetEvent[] = ['code_ok', 'unlock_ready', 'unlock_ok', 'code_bad', 'code_exhausted', 'password_ok', 'password_rejected', 'expire', 'supersede'];
    for (const state of ['completed', 'failed', 'rejected', 'expired', 'superseded'] as ResetState[]) {
      for (const event of events) expect(nextState(state, event)).toBeNull();
    }
  });

  it('refuses skipping the code step', () => {
    expect(nextState('awaiting_code', 'password_ok')).toBeNull();
    expect(nextState('awaiting_password', 'code_ok')).toBeNull();
  });

  it('lets every live state expire or be superseded', () => {
    for (const state of LIVE_STATES) {
      expect(nextState(state, 'expire')).toBe('expired');
      expect(nextState(state, 'supersede')).toBe('superseded');
    }
    expect(Object.keys(RESET_TRANSITIONS)).toHaveLength(10);
  });

  it('ends an unlock flow with the unlock, never with a password', () => {
    expect(nextState('awaiting_code', 'unlock_ready')).toBe('awaiting_unlock');
    expect(nextState('awaiting_second_proof', 'unlock_ready')).toBe('awaiting_unlock');
    expect(nextState('awaiting_unlock', 'unlock_ok')).toBe('completed');
    expect(nextState('awaiting_unlock', 'password_ok')).toBeNull();
    expect(nextState('awaiting_password', 'unlock_ok')).toBeNull();
    expect(nextState('awaiting_code', 'unlock_ok')).toBeNull();
  });
});
