import type { ResetFlowRecord } from '../reset/reset-flow-record.js';

/** A flow held for review as the console's queue shows it: the flow, and where its last proof came from. */
export interface HeldFlow {
  flow: ResetFlowRecord;
  /** The address the completing proof came from (the `reset.review_held` entry), when recorded. */
  ip: string | null;
  /** When the flow was held (the `reset.review_held` entry); the flow's `updatedAt` when that entry is missing. */
  heldAt: Date;
}

/**
 * The flows waiting for an operator (state `awaiting_review`), read from the store. A port of the review,
 * kept with it (issue 13); decisions are written through `Store.transaction` like every other step of a flow.
 */
export interface ReviewQueue {
  /** A tenant's held flows that have not run out at `now`, oldest first, at most `limit`. */
  pending(tenantId: string, now: Date, limit: number): Promise<HeldFlow[]>;
  /** One flow of the tenant by its internal id (the audit's flow id), whatever its state; null when none. */
  get(tenantId: string, flowId: string): Promise<ResetFlowRecord | null>;
  /** Held flows not run out at `now`, per tenant (tenants with none are absent): the pending-reviews gauge. */
  countPending(now: Date): Promise<Record<string, number>>;
}
