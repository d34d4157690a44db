import type { ResetFlowRecord } from '../reset/reset-flow-record.js';
import type { ResetEvent } from '../reset/reset-states.js';

/** How long a flow held for review waits for an operator before it expires (`risk.review.ttlHours`, default 24). */
export const DEFAULT_REVIEW_TTL_SECONDS = 24 * 3600;

/** The review's tunables as the reset flow gets them. */
export interface ReviewSettings {
  /** How long a held flow waits for an operator; the password (or unlock) step's own TTL starts at approval. */
  ttlSeconds: number;
}

/**
 * The event a flow's complete proofs lead to: `hold_for_review` when its risk action is `hold` (an operator approves
 * it first), else the password step (`code_ok`) or, for an unlock flow, the unlock step (`unlock_ready`).
 */
export function proofsCompleteEvent(flow: Pick<ResetFlowRecord, 'purpose' | 'risk'>): ResetEvent {
  if (flow.risk?.action === 'hold') return 'hold_for_review';
  return flow.purpose === 'unlock' ? 'unlock_ready' : 'code_ok';
}

/** The event an operator's approval leads to: the password step, or the unlock step for an unlock flow. */
export function approvalEvent(flow: Pick<ResetFlowRecord, 'purpose'>): ResetEvent {
  return flow.purpose === 'unlock' ? 'unlock_approved' : 'review_approved';
}
