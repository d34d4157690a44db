import type { StoreTx } from '../ports/store.js';

/**
 * `lock`: self-service is paused for the people (a hold, as after a "this wasn't me" report) until it expires or
 * an operator ends it; `strict`: a reset for them needs two proofs, one of them strong, until it expires.
 */
export type IncidentMode = 'lock' | 'strict';
export const INCIDENT_MODES: readonly IncidentMode[] = ['lock', 'strict'];

/** `running` until every person is settled, then `finished`; `ended` once an operator ended its measures early; `dry_run` for a preview. */
export type IncidentState = 'running' | 'finished' | 'ended' | 'dry_run';

/** One person's row: `pending` until processed, then `done`, `failed` (with a reason) or `skipped` (with a reason). */
export type IncidentPersonState = 'pending' | 'done' | 'failed' | 'skipped';

/** One forced-reset job. */
export interface IncidentRecord {
  id: string;
  tenantId: string;
  mode: IncidentMode;
  /** Where the people came from, as shown: `group:<name>` or `file:<name>`. */
  source: string;
  /** The source's identity (the group, or a hash of the identifiers): the same command again finds its incident by it. */
  sourceKey: string;
  reason: string;
  /** The audit actor who started it (`operator:<tenant>/<name>`, `cli:<user>`). */
  createdBy: string;
  dryRun: boolean;
  state: IncidentState;
  /** When the holds or stricter policy end by themselves. */
  expiresAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
}

/** One listed person of an incident. */
export interface IncidentPersonRecord {
  incidentId: string;
  /** The position in the list (file line order, or the directory's order). */
  seq: number;
  /** What the list said (a username or email), or the username the directory gave. */
  identifier: string;
  /** The account; null when the identifier matched nobody (the row is then skipped). */
  subjectId: string | null;
  state: IncidentPersonState;
  /** Why it failed or was skipped (`not_found`, `disabled`, `duplicate`, an error code). */
  reason: string | null;
  /** Parts of a done row that did not apply, e.g. `must_change_unsupported`. */
  notes: string | null;
  updatedAt: Date;
}

export interface IncidentCounts {
  total: number;
  pending: number;
  done: number;
  failed: number;
  skipped: number;
}

/** The stricter policy of `strict` mode for one person until `expiresAt`. */
export interface PolicyOverride {
  requiredMethods: 2;
  requireStrong: true;
  incidentId: string;
  expiresAt: Date;
}

/** Asked where a person's reset policy is decided: a live override for the account, or null. */
export interface PolicyOverrideLookup {
  overrideFor(tenantId: string, subjectId: string): Promise<PolicyOverride | null>;
}

/**
 * Where incidents, their people and their measures (holds, overrides) are kept. Writes that belong to one
 * person's reset take the caller's transaction, so the measures, audit entry and notices commit together.
 */
export interface IncidentStore extends PolicyOverrideLookup {
  /** Adds the incident and its people (all of them, in one transaction). */
  create(tx: StoreTx, incident: IncidentRecord, people: readonly IncidentPersonRecord[]): Promise<void>;
  get(tenantId: string, id: string): Promise<IncidentRecord | null>;
  /** The tenant's incidents, newest first. */
  list(tenantId: string, limit: number): Promise<IncidentRecord[]>;
  /** The newest real (not dry-run) incident of the tenant with this source and mode, if any. */
  latestFor(tenantId: string, sourceKey: string, mode: IncidentMode): Promise<IncidentRecord | null>;
  counts(incidentId: string): Promise<IncidentCounts>;
  /** Rows after `afterSeq` in list order, at most `limit`; only `state` ones when given. */
  people(incidentId: string, options: { afterSeq: number; limit: number; state?: IncidentPersonState }): Promise<IncidentPersonRecord[]>;
  /**
   * Marks a pending row done (with `notes`) in the caller's transaction; false when it was not pending any more
   * (another run took it): the caller then rolls back, so no person is ever processed twice.
   */
  claim(tx: StoreTx, incidentId: string, seq: number, now: Date, notes: string | null): Promise<boolean>;
  /** Settles a pending row as failed or skipped, with a reason; a row no longer pending is left alone. */
  settle(incidentId: string, seq: number, state: 'failed' | 'skipped', reason: string, now: Date): Promise<void>;
  setState(incidentId: string, state: IncidentState, now: Date | null): Promise<void>;
  /** Pauses self-service for the account until `expiresAt` (an account already held keeps its hold). */
  hold(tx: StoreTx, hold: { tenantId: string; subjectId: string; incidentId: string; createdAt: Date; expiresAt: Date }): Promise<void>;
  /** Sets (or replaces) the account's stricter policy. */
  override(tx: StoreTx, tenantId: string, subjectId: string, override: PolicyOverride, now: Date): Promise<void>;
  /** Ends the incident's holds and overrides now; how many of each. */
  endMeasures(tx: StoreTx, incidentId: string): Promise<{ holds: number; overrides: number }>;
}
