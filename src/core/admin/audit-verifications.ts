import { verifyAuditLog, type AuditSource, type AuditVerification } from '../audit/audit-log-verification.js';
import type { StoredAuditEntry } from '../audit/audit-hash.js';
import { newId } from '../crypto/secrets.js';
import { UnlatchError } from '../errors.js';
import type { AuditVerificationOutcome, AuditVerificationRun, AuditVerificationRuns } from '../ports/audit-verifications.js';
import type { Clock } from '../ports/clock.js';

/** How often a run reports, and when a silent one counts as dead. */
export interface AuditVerificationSettings {
  /** Progress (and heartbeat) every this many entries. */
  progressEvery: number;
  /** …and at least this often while entries keep coming, so a slow log still shows a live run. */
  heartbeatSeconds: number;
  /** A running run without a heartbeat for this long belongs to a node that died: a new start fails it. */
  staleAfterSeconds: number;
}

export const DEFAULT_AUDIT_VERIFICATION_SETTINGS: AuditVerificationSettings = { progressEvery: 1000, heartbeatSeconds: 5, staleAfterSeconds: 120 };

export interface AuditVerificationsDeps {
  runs: AuditVerificationRuns;
  /** A reader over the log: the heads, and every entry chain by chain, a page at a time. */
  source: () => AuditSource;
  clock: Clock;
  settings?: Partial<AuditVerificationSettings>;
  /** Told of the error that stopped a background run (for the server log; the run records a generic problem). */
  onError?: (error: unknown, run: AuditVerificationRun) => void;
}

/** The running verification (if any) and the latest finished one: "last verified, by whom, result". */
export interface AuditVerificationState {
  running: AuditVerificationRun | null;
  last: AuditVerificationRun | null;
}

/** Thrown inside a run to stop its walk: the server is shutting down, or another node failed the run as stale. */
class RunStopped extends Error {}

const STOPPED_PROBLEM = 'the verification stopped before the end (the server shut down, or the run was taken over)';
const ERROR_PROBLEM = 'the verification stopped on an error (the server log has it, under this run id)';

/**
 * Verifications of the audit log's hash chains with a record: who started each, when, how far it got and
 * how it ended. The console starts one in the background (`start`) and watches its progress; the CLI runs
 * one to the end (`verifyNow`). One runs at a time across every node: the record admits one running row,
 * and a row whose heartbeat went silent is failed so that a node that died does not block verification.
 * The chain check itself is `verifyAuditLog`, the same as ever.
 */
export class AuditVerifications {
  private readonly settings: AuditVerificationSettings;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;

  constructor(private readonly deps: AuditVerificationsDeps) {
    this.settings = { ...DEFAULT_AUDIT_VERIFICATION_SETTINGS, ...deps.settings };
  }

  /**
   * Read one after the other, the running row first: a run that ends between the two reads is then seen as
   * the last one (read side by side on two pool connections, "none running" could pair with the run before).
   */
  async state(): Promise<AuditVerificationState> {
    const running = await this.deps.runs.running();
    const last = await this.deps.runs.lastFinished();
    return { running: running && last?.id === running.id ? null : running, last };
  }

  find(id: string): Promise<AuditVerificationRun | null> {
    return this.deps.runs.find(id);
  }

  /**
   * Starts a verification in the background and returns its running record once the walk is under way.
   * `onStarted` runs after the claim and before the walk (the console audits the start there, so the walk
   * counts that entry too); `onFinished` hears how it ended. Throws `audit_verification_running` while
   * another one runs.
   */
  async start(
    startedBy: string,
    options: { onStarted?: (run: AuditVerificationRun) => Promise<void>; onFinished?: (run: AuditVerificationRun) => Promise<void> } = {},
  ): Promise<AuditVerificationRun> {
    if (this.stopping) throw new UnlatchError('audit_verification_running', { reason: 'stopping' });
    const source = this.deps.source();
    const run = await this.claim(startedBy, source);
    try {
      await options.onStarted?.(run);
    } catch (error) {
      // Not started after all: no walk without its audit entry.
      await this.deps.runs.finish(run.id, { status: 'failed', entriesChecked: 0, chains: null, firstProblem: `${ERROR_PROBLEM}: ${run.id}`, digest: null }, this.deps.clock.now());
      throw error;
    }
    const work = this.walk(run, source)
      .then(async ({ run: ended, error }) => {
        if (error !== undefined && !(error instanceof RunStopped)) this.deps.onError?.(error, run);
        if (ended && options.onFinished) await options.onFinished(ended);
      })
      .catch((error: unknown) => this.deps.onError?.(error, run))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
    return run;
  }

  /** Runs a verification to its end (the CLI): the record, and the verification's own answer. */
  async verifyNow(startedBy: string): Promise<{ run: AuditVerificationRun | null; verification: AuditVerification }> {
    const source = this.deps.source();
    const run = await this.claim(startedBy, source);
    const { run: ended, verification, error } = await this.walk(run, source);
    if (error !== undefined) throw error instanceof RunStopped ? new Error(STOPPED_PROBLEM) : error;
    return { run: ended, verification: verification! };
  }

  /** Stops the runs of this process (each is recorded `failed`) and waits for them: before the store closes. */
  async close(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.inFlight]);
  }

  /** Resolves when the background runs of this process have ended (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private async claim(startedBy: string, source: AuditSource): Promise<AuditVerificationRun> {
    const now = this.deps.clock.now();
    const heads = await source.heads();
    let total = 0;
    for (const head of heads.values()) total += head.seq;
    const run: AuditVerificationRun = {
      id: newId(), startedAt: now, finishedAt: null, startedBy, status: 'running', entriesChecked: 0, entriesTotal: total,
      chains: null, firstProblem: null, digest: null, heartbeatAt: now,
    };
    const staleBefore = new Date(now.getTime() - this.settings.staleAfterSeconds * 1000);
    const claim = await this.deps.runs.claim(run, staleBefore, `no heartbeat from the node running it since before ${staleBefore.toISOString()}: it stopped`);
    if (!claim.claimed) throw new UnlatchError('audit_verification_running', { runId: claim.running.id, startedAt: claim.running.startedAt.toISOString() });
    return run;
  }

  /** Walks the log, reporting progress, and records the outcome; an error of the walk is recorded and returned. */
  private async walk(run: AuditVerificationRun, source: AuditSource): Promise<{ run: AuditVerificationRun | null; verification?: AuditVerification; error?: unknown }> {
    let checked = 0;
    let outcome: AuditVerificationOutcome;
    let verification: AuditVerification | undefined;
    let failure: unknown;
    try {
      verification = await verifyAuditLog({ heads: () => source.heads(), entries: () => this.counted(run, source.entries(), (n) => (checked = n)) });
      outcome = verification.ok
        ? { status: 'ok', entriesChecked: verification.entries, chains: verification.chains, firstProblem: null, digest: verification.digest }
        : { status: 'broken', entriesChecked: checked, chains: null, firstProblem: problemOf(verification), digest: null };
    } catch (error) {
      failure = error;
      outcome = { status: 'failed', entriesChecked: checked, chains: null, firstProblem: error instanceof RunStopped ? STOPPED_PROBLEM : `${ERROR_PROBLEM}: ${run.id}`, digest: null };
    }
    await this.deps.runs.finish(run.id, outcome, this.deps.clock.now());
    const ended = await this.deps.runs.find(run.id);
    return failure === undefined ? { run: ended, verification } : { run: ended, error: failure };
  }

  /** The entries as they pass, with progress every so many (or every few seconds), stopping when told to. */
  private async *counted(run: AuditVerificationRun, entries: AsyncIterable<StoredAuditEntry>, seen: (n: number) => void): AsyncGenerator<StoredAuditEntry> {
    const { clock } = this.deps;
    const { progressEvery, heartbeatSeconds } = this.settings;
    let count = 0;
    let lastBeat = clock.now().getTime();
    for await (const entry of entries) {
      if (this.stopping) throw new RunStopped();
      yield entry;
      count += 1;
      seen(count);
      const now = clock.now();
      if (count % progressEvery === 0 || now.getTime() - lastBeat >= heartbeatSeconds * 1000) {
        lastBeat = now.getTime();
        if (!(await this.deps.runs.progress(run.id, count, now))) throw new RunStopped();
      }
    }
  }
}

/** "chain 2, seq 17: hash mismatch: …": where and what, nothing of the entry's content. */
export function problemOf(verification: Extract<AuditVerification, { ok: false }>): string {
  return verification.chain === null ? verification.reason : `chain ${verification.chain}, seq ${verification.seq}: ${verification.reason}`;
}
