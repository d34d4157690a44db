import type { StoreTx } from './store.js';

export type { MethodKind } from './method-kind.js';
import type { MethodKind } from './method-kind.js';

/** A registered method as callers see it: never its secret. */
export interface RegisteredMethod {
  id: string;
  tenantId: string;
  subjectId: string;
  kind: MethodKind;
  /** The person's label ("Phone", "YubiKey"). */
  name: string;
  /** Public material (a backup code's MAC, a passkey's public key and counter, an address). */
  data: Record<string, unknown>;
  /** A TOTP seed before its first code, or a contact address before its code, is not confirmed. */
  confirmed: boolean;
  lastUsedStep: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** When a single-use credential was spent. */
  usedAt: Date | null;
}

export interface NewMethod {
  /** The id to use; a fresh one when absent. */
  id?: string;
  tenantId: string;
  subjectId: string;
  kind: MethodKind;
  name: string;
  /** Secret material in the clear; the store seals it. */
  secret?: string | null;
  data?: Record<string, unknown>;
  confirmed?: boolean;
}

/**
 * Registered methods of people. The check-and-set operations are atomic, so two concurrent requests can
 * never both spend the same backup code or the same TOTP step.
 */
export interface MethodRepository {
  /** The same repository working inside a store transaction, so a change and its audit entry commit together. */
  within(tx: StoreTx): MethodRepository;
  listForSubject(tenantId: string, subjectId: string): Promise<RegisteredMethod[]>;
  get(tenantId: string, id: string): Promise<RegisteredMethod | null>;
  add(method: NewMethod, now: Date): Promise<string>;
  /** The unsealed secret of a method, or null when it has none. */
  readSecret(tenantId: string, id: string): Promise<string | null>;
  confirm(tenantId: string, id: string, now: Date): Promise<boolean>;
  /** Records a TOTP step as used if it is newer than the last one; false when it was not (a replay). */
  recordTotpStep(tenantId: string, id: string, step: number, now: Date): Promise<boolean>;
  /**
   * Counts one attempt at confirming a pending method (a contact address's code), atomically; the number of
   * attempts so far including this one, or null when `max` were already spent or the method is confirmed or gone.
   */
  spendConfirmAttempt(tenantId: string, id: string, max: number): Promise<number | null>;
  /** Spends a single-use credential; false when it was already spent. */
  markUsed(tenantId: string, id: string, now: Date): Promise<boolean>;
  remove(tenantId: string, id: string): Promise<boolean>;
  /** Gives a method a new label (the caller has cleaned it); false when there is no such method in the tenant. */
  rename(tenantId: string, id: string, name: string): Promise<boolean>;
  /**
   * Records a successful use that spends nothing (a test of the method): only `lastUsedAt` moves. False when
   * there is no such method in the tenant.
   */
  touch(tenantId: string, id: string, now: Date): Promise<boolean>;
  /** When the person last confirmed their methods are current (or registered one), or null. */
  lastReviewed(tenantId: string, subjectId: string): Promise<Date | null>;
  markReviewed(tenantId: string, subjectId: string, now: Date): Promise<void>;
  /** Replaces every backup code of the person with a new set in one transaction; returns the new ids. */
  replaceBackupCodes(tenantId: string, subjectId: string, codes: ReadonlyArray<Record<string, unknown>>, now: Date): Promise<string[]>;
}
