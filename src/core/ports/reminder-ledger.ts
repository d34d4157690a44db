import type { MethodKind } from './methods.js';
import type { StoreTx } from './store.js';

/** What a reminder is about. */
export type ReminderKind = 'enrolment' | 'expiry';

/** One recorded reminder (or, with `mailed` false, the note that a person was first found). */
export interface SentReminder {
  subjectId: string;
  round: string;
  at: Date;
  mailed: boolean;
}

/**
 * The record of reminders sent, once each: a row per person, kind and round. Recording happens inside the
 * transaction that queues the mail, and only the first recording of a round succeeds, across every node.
 */
export interface ReminderLedger {
  /**
   * Records a reminder inside `tx`; false when the round was recorded before (by this or another node): the
   * caller then sends nothing. On PostgreSQL a concurrent recording of the same round waits for the other
   * transaction and then answers false.
   */
  record(tx: StoreTx, entry: { tenantId: string; subjectId: string; kind: ReminderKind; round: string; at: Date; mailed: boolean }): Promise<boolean>;
  /** The tenant's recorded reminders of `kind` since `since` (all when absent), grouped by person. */
  sentBySubject(tenantId: string, kind: ReminderKind, since?: Date): Promise<Map<string, SentReminder[]>>;
  /** Mailed reminders of `kind` per round (`r1`, `o2`, …; expiry rounds by threshold, `14d`) since `since`. */
  countsByRound(tenantId: string, kind: ReminderKind, since?: Date): Promise<Array<{ round: string; count: number }>>;
}

/** The usable methods (confirmed, backup codes unspent) of every person of a tenant who has any: one read. */
export interface MethodKindsBySubject {
  kindsBySubject(tenantId: string): Promise<Map<string, MethodKind[]>>;
}
