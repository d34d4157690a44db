import type { StoreTx } from './store.js';

/** What a "this wasn't me" link is about: one account, and the flow or event its notice announced. */
export interface ReportLinkRecord {
  /** SHA-256 of the token; the token itself travels only in the sealed mail. */
  tokenHash: string;
  tenantId: string;
  subjectId: string;
  flowId: string | null;
  /** The notice's template (`password_changed`, `methods_changed`, …). */
  event: string;
  createdAt: Date;
  expiresAt: Date;
}

/** An account whose self-service is paused until an operator clears it. */
export interface SelfServiceHold {
  tenantId: string;
  subjectId: string;
  /** `fraud_report`: the person confirmed a "this wasn't me" link. */
  reason: string;
  flowId: string | null;
  createdAt: Date;
}

/** `fraud`: the change was not the person; `legitimate`: it was (an operator checked). */
export type FraudLabel = 'fraud' | 'legitimate';
/** Who labelled: the person (a confirmed report) or an operator in the console. */
export type FraudLabelSource = 'person' | 'operator';

export interface FraudLabelRecord {
  id: string;
  tenantId: string;
  subjectId: string | null;
  flowId: string | null;
  label: FraudLabel;
  source: FraudLabelSource;
  /** `self`, or the operator's id. */
  actor: string;
  createdAt: Date;
}

/**
 * Where reports, holds and labels are kept. Writes take the caller's transaction, so a report's hold, label,
 * audit entry and alert mail commit together or not at all.
 */
export interface FraudStore {
  /** Keeps a new link (its hash only) in the transaction that queues its notice. */
  addLink(tx: StoreTx, link: ReportLinkRecord): Promise<void>;
  /**
   * Spends a link atomically: unused and unexpired → marked used and returned; unknown, used or expired → null
   * (one answer for all three, so the page after it says nothing about which).
   */
  spendLink(tx: StoreTx, tokenHash: string, now: Date): Promise<ReportLinkRecord | null>;
  /** Pauses self-service for the account (a second hold on a held account keeps the first). */
  hold(tx: StoreTx, hold: SelfServiceHold): Promise<void>;
  /** Ends the account's hold; false when there was none. */
  release(tx: StoreTx, tenantId: string, subjectId: string): Promise<boolean>;
  /** Whether self-service is paused for the account (one indexed read, made for every start alike). */
  isHeld(tenantId: string, subjectId: string): Promise<boolean>;
  /** The tenant's held accounts, newest first. */
  holds(tenantId: string, limit: number): Promise<SelfServiceHold[]>;
  addLabel(tx: StoreTx, label: FraudLabelRecord): Promise<void>;
  /** The tenant's labels, newest first. */
  labels(tenantId: string, limit: number): Promise<FraudLabelRecord[]>;
  /** Labels since `since`, counted per label and source. */
  labelCounts(tenantId: string, since: Date): Promise<Array<{ label: FraudLabel; source: FraudLabelSource; count: number }>>;
}

/** The kind of flow a rating is about. */
export type RatedFlow = 'reset' | 'change';

/**
 * The anonymous rating's storage: single-use form tokens (a hash and an expiry, nothing else) and the answers as
 * counts per tenant, flow kind, UTC day and rating — never a row per answer.
 */
export interface FrictionStore {
  issueToken(tokenHash: string, expiresAt: Date): Promise<void>;
  /** Spends the token and adds one to the count, atomically; false (nothing counted) for an unknown, used or expired token. */
  record(tokenHash: string, now: Date, answer: { tenantId: string; flow: RatedFlow; day: string; rating: number }): Promise<boolean>;
  /** Counts per flow kind and rating from `sinceDay` (inclusive, `YYYY-MM-DD`). */
  distribution(tenantId: string, sinceDay: string): Promise<Array<{ flow: RatedFlow; rating: number; count: number }>>;
}
