/**
 * `running` while a node walks the chains; then `ok` (every chain intact), `broken` (`firstProblem` names
 * the first wrong or missing entry) or `failed` (the run could not finish: an error, or its node stopped).
 */
export type AuditVerificationStatus = 'running' | 'ok' | 'broken' | 'failed';

/** One verification of the whole audit log (the log is global: no tenant). Never holds a secret. */
export interface AuditVerificationRun {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** `cli` for `unlatch audit verify`, else the operator's actor (`operator:<tenant>/<username>`, `token:<id>`). */
  startedBy: string;
  status: AuditVerificationStatus;
  entriesChecked: number;
  /** The entries the heads recorded at the start: what the progress counts towards. */
  entriesTotal: number;
  /** Chains that hold entries (once ok). */
  chains: number | null;
  /** Which entry is wrong and why (`broken`), or why the run stopped (`failed`): positions and reasons only. */
  firstProblem: string | null;
  /** The digest of every chain's length and last hash (once ok): a value to note down and compare later. */
  digest: string | null;
  /** Moved on with the progress; a running row whose heartbeat is old belongs to a node that died. */
  heartbeatAt: Date;
}

/** How a run ended. */
export interface AuditVerificationOutcome {
  status: Exclude<AuditVerificationStatus, 'running'>;
  entriesChecked: number;
  chains: number | null;
  firstProblem: string | null;
  digest: string | null;
}

/** The claim of the one running verification: taken, or refused with the run that holds it. */
export type AuditVerificationClaim = { claimed: true } | { claimed: false; running: AuditVerificationRun };

/** The record of verifications, shared by every node and the CLI; at most one `running` at a time. */
export interface AuditVerificationRuns {
  /**
   * Inserts `run` (status `running`) unless another run is running. A running run whose heartbeat is older
   * than `staleBefore` is first marked `failed` with `staleProblem`: its node died, it will never finish.
   * Atomic across nodes (a unique index admits one running row).
   */
  claim(run: AuditVerificationRun, staleBefore: Date, staleProblem: string): Promise<AuditVerificationClaim>;
  /** Records progress and moves the heartbeat; false when the run is no longer running (another node failed it). */
  progress(id: string, entriesChecked: number, now: Date): Promise<boolean>;
  /** Records how the run ended (only while it is still running). */
  finish(id: string, outcome: AuditVerificationOutcome, now: Date): Promise<void>;
  /** The running run, if any. */
  running(): Promise<AuditVerificationRun | null>;
  /** The latest finished run, if any (newest `startedAt`). */
  lastFinished(): Promise<AuditVerificationRun | null>;
  find(id: string): Promise<AuditVerificationRun | null>;
}
