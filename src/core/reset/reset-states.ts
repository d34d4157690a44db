/**
 * The reset flow's states and transitions, at one glance.
 * Terminal states have no way out; every other state can expire or be superseded.
 */
export const RESET_TRANSITIONS = {
  awaiting_code: {
    code_ok: 'awaiting_password',
    unlock_ready: 'awaiting_unlock',
    proof_partial: 'awaiting_second_proof',
    hold_for_review: 'awaiting_review',
    code_bad: 'awaiting_code',
    code_exhausted: 'failed',
    expire: 'expired',
    supersede: 'superseded',
  },
  awaiting_second_proof: {
    code_ok: 'awaiting_password',
    unlock_ready: 'awaiting_unlock',
    hold_for_review: 'awaiting_review',
    code_bad: 'awaiting_second_proof',
    code_exhausted: 'failed',
    expire: 'expired',
    supersede: 'superseded',
  },
  /** The proofs are complete but the risk engine said `hold`: an operator approves or rejects it in the console. */
  awaiting_review: {
    review_approved: 'awaiting_password',
    /** An unlock flow, approved: next comes the unlock. */
    unlock_approved: 'awaiting_unlock',
    review_rejected: 'rejected',
    expire: 'expired',
    supersede: 'superseded',
  },
  awaiting_password: {
    password_ok: 'completed',
    password_rejected: 'awaiting_password',
    expire: 'expired',
    supersede: 'superseded',
  },
  awaiting_unlock: {
    unlock_ok: 'completed',
    expire: 'expired',
    supersede: 'superseded',
  },
  completed: {},
  failed: {},
  /** An operator rejected the held flow. */
  rejected: {},
  expired: {},
  superseded: {},
} as const;

export type ResetState = keyof typeof RESET_TRANSITIONS;
export type ResetEvent =
  | 'code_ok'
  /** An unlock flow's proofs are complete: next comes the unlock, not a password. */
  | 'unlock_ready'
  | 'unlock_ok'
  | 'proof_partial'
  /** The proofs are complete and the flow's risk action is `hold`: it waits for an operator. */
  | 'hold_for_review'
  | 'review_approved'
  | 'unlock_approved'
  | 'review_rejected'
  | 'code_bad'
  | 'code_exhausted'
  | 'password_ok'
  | 'password_rejected'
  | 'expire'
  | 'supersede';

/** States in which a flow still accepts input. */
export const LIVE_STATES: readonly ResetState[] = ['awaiting_code', 'awaiting_second_proof', 'awaiting_review', 'awaiting_password', 'awaiting_unlock'];

/** What the client should do next in each live state, as the API names it. */
export const NEXT_STEP = {
  awaiting_code: 'verify_code',
  awaiting_second_proof: 'verify_second',
  awaiting_review: 'wait_for_review',
  awaiting_password: 'set_password',
  awaiting_unlock: 'unlock',
  completed: 'done',
} as const satisfies Partial<Record<ResetState, string>>;

/** The state `event` leads to from `state`, or null when the table has no such arrow. */
export function nextState(state: ResetState, event: ResetEvent): ResetState | null {
  const arrows = RESET_TRANSITIONS[state] as Partial<Record<ResetEvent, ResetState>>;
  return arrows[event] ?? null;
}
