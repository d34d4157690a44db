import type { Logger } from 'pino';
import { enrolmentFor } from './config/enrolment-schema.js';
import { policyFor } from './config/policy-schema.js';
import type { UnlatchConfig } from './config/schema.js';
import type { Clock } from './core/ports/clock.js';
import type { Directory } from './core/ports/directory.js';
import type { Store } from './core/ports/store.js';
import type { TenantCatalog } from './core/ports/tenants.js';
import { ReminderJob } from './core/reminders/reminder-job.js';
import { ReminderScheduler } from './core/reminders/reminder-scheduler.js';
import { ReportScheduleLoop } from './adapters/reports/report-schedule-loop.js';
import type { DatabaseHandle } from './adapters/store/database.js';
import { SqlReminderLedger } from './adapters/store/reminder-ledger.js';
import { SqlReportRuns } from './adapters/store/report-runs.js';

/** What the reminders are built from: the app's own pieces. */
export interface ReminderServicesDeps {
  config: UnlatchConfig;
  database: DatabaseHandle;
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  clock: Clock;
  /** Names this node's claims on reminder rounds. */
  nodeId: string;
  logger: Logger;
  onProgress?: (tenantId: string, people: number) => void;
}

/** The reminder job, and its in-process rounds (null when neither reminder is on anywhere or `reminders.inProcess` is false). */
export interface ReminderServices {
  job: ReminderJob;
  ledger: SqlReminderLedger;
  loop: ReportScheduleLoop | null;
}

/** The reminders' part of the composition root (enrolment and expiry reminders; docs/enrolment.md). */
export function buildReminderServices(deps: ReminderServicesDeps): ReminderServices {
  const { config, database, store, directory, tenants, clock, logger } = deps;
  const ledger = new SqlReminderLedger(database.db);
  const job = new ReminderJob({
    directory, store, ledger, methods: ledger, clock,
    tenants: () => tenants.list(),
    policyFor: (tenantId) => policyFor(config.policy, tenantId),
    enrolmentFor: (tenantId) => enrolmentFor(config.enrolment, tenantId),
    expiry: config.reminders.expiry,
    onProgress: deps.onProgress,
  });
  const anyOn = config.reminders.expiry.enabled || tenants.list().some((t) => enrolmentFor(config.enrolment, t.id).reminders.enabled);
  const everyMs = config.reminders.checkEveryMinutes * 60_000;
  const loop = !anyOn || !config.reminders.inProcess ? null : new ReportScheduleLoop(new ReminderScheduler({
    job, runs: new SqlReportRuns(database.db), store, clock, node: deps.nodeId, everyMs,
    onResult: (results) => {
      for (const r of results) {
        if (r.enrolment.sent + r.expiry.sent > 0 || r.skipped) logger.info({ tenant: r.tenantId, enrolmentSent: r.enrolment.sent, expirySent: r.expiry.sent, uncovered: r.enrolment.uncovered, skipped: r.skipped }, 'reminders queued');
      }
    },
    onError: (err) => logger.error({ err }, 'reminder round failed; the next round tries again'),
  }), { everyMs: Math.min(everyMs, 60_000), onError: (err) => logger.error({ err }, 'reminder check failed') });
  return { job, ledger, loop };
}
