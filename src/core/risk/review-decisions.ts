import type { Operator } from '../admin/operator.js';
import { operatorEntry } from '../audit/operator-entry.js';
import { UnlatchError } from '../errors.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { ResetFlowRecord } from '../reset/reset-flow-record.js';
import type { ResetSettings } from '../reset/reset-settings.js';
import { nextState } from '../reset/reset-states.js';
import { approvalEvent } from './review-settings.js';
import { prepareReviewNotice, type QueueReviewNotice, type ReviewNoticeDeps } from './review-notice.js';
import type { HeldFlow, ReviewQueue } from './review-types.js';

/** The longest note an operator can give with a decision (it goes into the audit entry). */
export const MAX_REVIEW_NOTE = 500;

export type ReviewVerdict = 'approve' | 'reject';

/**
 * Why a decision was not taken: `gone` (no such held flow in this tenant, already decided, superseded or run out),
 * `own_account` (no operator decides on a reset of their own account), `note_missing` (a decision needs a note).
 */
export type ReviewRefusal = 'gone' | 'own_account' | 'note_missing';

export interface ReviewDecisionsDeps {
  store: Store;
  queue: ReviewQueue;
  clock: Clock;
  /** The password step's TTL (`passwordStepTtlSeconds`) starts when the flow is approved. */
  settings: Pick<ResetSettings, 'passwordStepTtlSeconds'>;
  /** Where the person is told of the decision (absent: nobody is mailed). */
  notices?: ReviewNoticeDeps;
}

/**
 * Operators' decisions on flows held for review (risk action `hold`): approve (the person goes on to the password
 * step, or the unlock step of an unlock flow, whose TTL starts now) or reject (the flow ends, state `rejected`).
 * Each decision needs a note and is audited (`reset.review_approved` / `reset.review_rejected`, naming the
 * operator, with the flow id), in the same transaction as the flow's change and the person's notice mail. An operator never decides on their
 * own account's reset: refused and audited as `denied`.
 */
export class ReviewDecisions {
  constructor(private readonly deps: ReviewDecisionsDeps) {}

  /** The tenant's held flows, oldest first. */
  pending(tenantId: string, limit = 100): Promise<HeldFlow[]> {
    return this.deps.queue.pending(tenantId, this.deps.clock.now(), limit);
  }

  /** One held flow of the tenant that is still waiting, or null. */
  async held(tenantId: string, flowId: string): Promise<ResetFlowRecord | null> {
    const flow = await this.deps.queue.get(tenantId, flowId);
    return flow && this.waiting(flow) ? flow : null;
  }

  async decide(input: { operator: Operator; client: ClientInfo; tenantId: string; flowId: string; verdict: ReviewVerdict; note: string }): Promise<{ ok: true } | { ok: false; reason: ReviewRefusal }> {
    const note = input.note.trim().slice(0, MAX_REVIEW_NOTE);
    if (note === '') return { ok: false, reason: 'note_missing' };
    const flow = await this.held(input.tenantId, input.flowId);
    if (!flow) return { ok: false, reason: 'gone' };
    const event = input.verdict === 'approve' ? 'reset.review_approved' : 'reset.review_rejected';
    const entry = (outcome: 'success' | 'denied', details: Record<string, unknown>) => ({
      ...operatorEntry(input.operator, input.client, { event, outcome, tenantId: flow.tenantId, subjectId: flow.subjectId, details: { flowId: flow.id, purpose: flow.purpose, ...details } }),
      flowId: flow.id,
    });
    if (ownAccount(input.operator, flow)) {
      await this.deps.store.transaction((tx) => tx.audit.append(entry('denied', { reason: 'own_account' })));
      return { ok: false, reason: 'own_account' };
    }
    const now = this.deps.clock.now();
    const state = nextState(flow.state, input.verdict === 'approve' ? approvalEvent(flow) : 'review_rejected');
    if (!state) return { ok: false, reason: 'gone' };
    const next: ResetFlowRecord = {
      ...flow,
      state,
      // The password (or unlock) step gets its whole time from the approval on; a rejected flow keeps no secret.
      ...(input.verdict === 'approve'
        ? { expiresAt: new Date(now.getTime() + this.deps.settings.passwordStepTtlSeconds * 1000) }
        : { codeHash: null, smsCodeHash: null, linkHash: null }),
      updatedAt: now,
      version: flow.version + 1,
    };
    // The person is told by mail, queued with the decision: a long wait may have outlasted their page.
    const notice = await this.notice(flow, { verdict: input.verdict, at: now, expiresAt: next.expiresAt });
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.flows.update(next, flow.version))) throw new UnlatchError('conflict');
      await tx.audit.append(entry('success', { note, score: flow.risk?.score ?? null, mailed: notice.mailed }));
      await notice.queue(tx);
    });
    return { ok: true };
  }

  /**
   * The decision's notice: how many mailboxes it goes to, or `unavailable` when the directory could not be read —
   * the decision is taken all the same (a rejection must never wait on mail), and the audit entry says so.
   */
  private async notice(flow: ResetFlowRecord, decision: { verdict: ReviewVerdict; at: Date; expiresAt: Date }): Promise<{ mailed: number | 'unavailable'; queue: QueueReviewNotice }> {
    if (!this.deps.notices) return { mailed: 0, queue: async () => {} };
    try {
      const prepared = await prepareReviewNotice(this.deps.notices, flow, decision);
      return { mailed: prepared.mailboxes, queue: prepared.queue };
    } catch {
      return { mailed: 'unavailable', queue: async () => {} };
    }
  }

  private waiting(flow: ResetFlowRecord): boolean {
    return flow.state === 'awaiting_review' && flow.expiresAt.getTime() > this.deps.clock.now().getTime();
  }
}

/** Whether the operator is the person whose reset this is (a console session of the flow's tenant and account). */
function ownAccount(operator: Operator, flow: ResetFlowRecord): boolean {
  return operator.subjectId !== null && flow.subjectId !== null && operator.homeTenantId === flow.tenantId && operator.subjectId === flow.subjectId;
}
