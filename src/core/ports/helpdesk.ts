import type { StoreTx } from './store.js';

/** How a helpdesk agent checks a caller: a code sent and read back, or one the caller has. */
export type HelpdeskCheckKind = 'sms_code' | 'email_code' | 'totp' | 'backup_code';

/** `pending`: waiting for the caller's code; `passed` / `failed`: decided. */
export type HelpdeskCheckState = 'pending' | 'passed' | 'failed';

/** One check of a caller by one agent, for one person and one ticket. Never holds a code. */
export interface HelpdeskCheck {
  id: string;
  tenantId: string;
  subjectId: string;
  /** The agent's audit actor (`operator:<tenant>/<username>`). */
  agent: string;
  ticket: string;
  kind: HelpdeskCheckKind;
  /** The method checked (a method id, or `directory-email` / `directory-phone`). */
  methodId: string;
  state: HelpdeskCheckState;
  /** The HMAC of the code sent (sms/email checks while pending), and its key. */
  codeHash: string | null;
  codeKeyId: string | null;
  attempts: number;
  createdAt: Date;
  /** A pending check's code stops working then. */
  expiresAt: Date;
  passedAt: Date | null;
  /** A passed check allows actions until then. */
  validUntil: Date | null;
}

/** Helpdesk checks in the store. The state changes are compare-and-set, so two answers cannot both pass. */
export interface HelpdeskCheckRepository {
  insert(tx: StoreTx, check: HelpdeskCheck): Promise<void>;
  get(tenantId: string, id: string): Promise<HelpdeskCheck | null>;
  /** Counts one answer to a pending check; the attempts so far including this one, or null when not pending or over `max`. */
  spendAttempt(tenantId: string, id: string, max: number): Promise<number | null>;
  /** pending → passed (valid until `validUntil`); false when it was no longer pending. */
  pass(tx: StoreTx, tenantId: string, id: string, now: Date, validUntil: Date): Promise<boolean>;
  /** pending → failed; false when it was no longer pending. */
  fail(tx: StoreTx, tenantId: string, id: string): Promise<boolean>;
  /** The agent's newest live check of the person: passed and still valid, or pending and unexpired (a newer check replaces a passed one). */
  current(tenantId: string, subjectId: string, agent: string, now: Date): Promise<HelpdeskCheck | null>;
}

/** What a protected person's action needs approved. */
export type HelpdeskAction = 'unlock' | 'access_pass' | 'one_time_password' | 'remove_method';

/** `pending` → `approved` or `refused` (or `expired`); an approved request becomes `used` by its action. */
export type HelpdeskRequestState = 'pending' | 'approved' | 'refused' | 'expired' | 'used';

/** An action on a protected person waiting for (or given) a second operator's approval. */
export interface HelpdeskRequest {
  id: string;
  tenantId: string;
  subjectId: string;
  agent: string;
  agentName: string;
  ticket: string;
  action: HelpdeskAction;
  /** Non-secret parameters (a pass's minutes and uses, a method's id). */
  params: Record<string, string | number>;
  state: HelpdeskRequestState;
  createdAt: Date;
  /** Pending: the approval must come before; approved: the action must run before. */
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  usedAt: Date | null;
}

/** Requests for a second operator, in the store; every state change is compare-and-set. */
export interface HelpdeskRequestRepository {
  insert(tx: StoreTx, request: HelpdeskRequest): Promise<void>;
  get(tenantId: string, id: string): Promise<HelpdeskRequest | null>;
  /** Requests of a tenant in these states, newest first (at most `limit`). */
  list(tenantId: string, states: readonly HelpdeskRequestState[], limit: number): Promise<HelpdeskRequest[]>;
  /** Requests of one person by one agent that are pending or approved, newest first. */
  openFor(tenantId: string, subjectId: string, agent: string): Promise<HelpdeskRequest[]>;
  /** `from` → `to` (with who and when, and a new expiry when given); false when the state was no longer `from`. */
  transition(
    tx: StoreTx,
    tenantId: string,
    id: string,
    from: HelpdeskRequestState,
    to: HelpdeskRequestState,
    fields: { by?: string; at: Date; expiresAt?: Date },
  ): Promise<boolean>;
  /** Pending or approved requests whose time ran out at `now`. */
  due(tenantId: string, now: Date): Promise<HelpdeskRequest[]>;
}
