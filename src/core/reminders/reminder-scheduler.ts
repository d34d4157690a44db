import type { Clock } from '../ports/clock.js';
import type { ReportRuns } from '../ports/report-runs.js';
import type { Store } from '../ports/store.js';
import type { ReminderJob, TenantReminderResult } from './reminder-job.js';

/** What the in-process reminder rounds need. */
export interface ReminderSchedulerDeps {
  job: ReminderJob;
  /** The claims of scheduled runs (`report_runs`, shared with the scheduled reports). */
  runs: ReportRuns;
  store: Store;
  clock: Clock;
  /** Names this process's claims. */
  node: string;
  /** A round every this many milliseconds (`reminders.checkEveryMinutes`). */
  everyMs: number;
  onResult?: (results: TenantReminderResult[]) => void;
  onError?: (error: unknown) => void;
  /** An unfinished claim older than this is taken over by another node (default 30 minutes). */
  staleClaimMs?: number;
}

/** The claim key of reminder rounds in `report_runs`. */
export const REMINDER_SCHEDULE_KEY = 'reminders';

/**
 * Runs the reminder job once per round across every node. A round is a slot of `everyMs`; the node that claims
 * `(reminders, slot)` in the store runs it, the others skip it. The claim only saves work: every reminder is
 * also recorded once (`ReminderLedger`), so even a node that takes over a stale claim while the first is still
 * running sends nothing twice.
 */
export class ReminderScheduler {
  constructor(private readonly deps: ReminderSchedulerDeps) {}

  /** Runs the current round if no node has; 1 when it ran here, else 0. Never throws (errors go to `onError`). */
  async runDue(): Promise<number> {
    const { clock, runs, node, store } = this.deps;
    try {
      const now = clock.now();
      const slot = new Date(Math.floor(now.getTime() / this.deps.everyMs) * this.deps.everyMs);
      const staleBefore = new Date(now.getTime() - (this.deps.staleClaimMs ?? 30 * 60_000));
      if (!(await runs.claim(REMINDER_SCHEDULE_KEY, slot, node, now, staleBefore))) return 0;
      const results = await this.deps.job.run();
      await store.transaction((tx) => runs.finish(tx, REMINDER_SCHEDULE_KEY, slot, node, clock.now()));
      this.deps.onResult?.(results);
      return 1;
    } catch (error) {
      this.deps.onError?.(error);
      return 0;
    }
  }
}
