/** The time and size of a grouped audit read: one tenant, entries in [from, to), at most `limit` groups. */
export interface AuditGroupQuery {
  tenantId: string;
  from: Date;
  to: Date;
  /** Groups returned at most (largest first), 1–100 000. */
  limit: number;
}

/** Failed proofs of one person over a period (the "failed repeatedly" report). */
export interface SubjectFailures {
  subjectId: string;
  /** Every failure counted: sign-in and reset together. */
  failures: number;
  /** `signin.failed` and `signin.proof_failed` (outcome failure). */
  signInFailures: number;
  /** `reset.code_failed` and `reset.attempts_exceeded` (outcome failure). */
  resetFailures: number;
  firstAt: Date;
  lastAt: Date;
}

/** Refusals by a rate limit from one source (the "rate-limited sources" report). */
export interface RateLimitedSource {
  /** The client address; null when the entry had none. */
  ip: string | null;
  /** The limit that refused (`start_ip`, `verify_identifier`, `proof_failures`, …; `other` when unreadable). */
  bucket: string;
  refusals: number;
  firstAt: Date;
  lastAt: Date;
}

/** The audit events counted as a person's failed proof. */
export const FAILED_PROOF_EVENTS = ['signin.failed', 'signin.proof_failed', 'reset.code_failed', 'reset.attempts_exceeded'] as const;

/**
 * Audit entries grouped in the database (GROUP BY over the `(tenant_id, event, at)` index of migration 0013),
 * for reports that count by person or by source. Read-only. A bad query is `UnlatchError('invalid_request')`.
 */
export interface AuditGroups {
  /** People with at least `min` failed proofs ({@link FAILED_PROOF_EVENTS}, outcome failure), most first. */
  failuresBySubject(query: AuditGroupQuery & { min: number }): Promise<SubjectFailures[]>;
  /** `reset.rate_limited` entries by client address and limit bucket, most first. */
  rateLimitedSources(query: AuditGroupQuery): Promise<RateLimitedSource[]>;
}
