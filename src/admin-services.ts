import type { Logger } from 'pino';
import type { UnlatchConfig } from './config/schema.js';
import { policyFor } from './config/policy-schema.js';
import { unlatchVersion } from './version.js';
import { AdminSignIn } from './core/admin/admin-sign-in.js';
import { AdminTokens } from './core/admin/admin-tokens.js';
import { AuditVerifications } from './core/admin/audit-verifications.js';
import { grantsOf } from './core/admin/operator-grants.js';
import { ReportScheduler } from './core/admin/reports/report-scheduler.js';
import { PolicySimulator } from './core/policy/policy-simulator.js';
import type { MethodVerifier } from './core/methods/method-verifier.js';
import type { Passkeys } from './core/methods/webauthn/passkeys.js';
import type { Clock } from './core/ports/clock.js';
import type { Directory } from './core/ports/directory.js';
import type { Limiter } from './core/ports/limiter.js';
import type { MethodRepository } from './core/ports/methods.js';
import type { Store } from './core/ports/store.js';
import type { TenantCatalog } from './core/ports/tenants.js';
import { systemSourceOf } from './adapters/admin/system-source.js';
import { oidcRelyingPartyOf } from './adapters/oidc/oidc-from-config.js';
import { ReportScheduleLoop } from './adapters/reports/report-schedule-loop.js';
import { SqlAdminSessionRepository } from './adapters/store/admin-session-repository.js';
import { SqlAdminTokenRepository } from './adapters/store/admin-token-repository.js';
import { SqlAuditGroups } from './adapters/store/audit-groups.js';
import { SqlAuditReader } from './adapters/store/audit-reader.js';
import { SqlAuditStats } from './adapters/store/audit-rollup.js';
import { SqlAuditSearch } from './adapters/store/audit-search.js';
import { SqlAuditVerificationRuns } from './adapters/store/audit-verification-runs.js';
import type { DatabaseHandle } from './adapters/store/database.js';
import { SqlMethodCoverage } from './adapters/store/method-coverage.js';
import { SqlPersonActivity } from './adapters/store/person-activity.js';
import { SqlReportRuns } from './adapters/store/report-runs.js';
import { SqlReminderLedger } from './adapters/store/reminder-ledger.js';
import { enrolmentFor } from './config/enrolment-schema.js';
import type { AdminServices } from './http/admin/console-services.js';
import type { Helpdesk } from './core/helpdesk/helpdesk.js';

/** What the console is built from: the app's own pieces, shared with the portal. */
export interface AdminServicesDeps {
  config: UnlatchConfig;
  database: DatabaseHandle;
  store: Store;
  directory: Directory;
  tenants: TenantCatalog;
  limiter: Limiter;
  clock: Clock;
  methods: MethodRepository;
  verifier: MethodVerifier;
  passkeys?: Passkeys;
  /** The ring's key ids, newest first (the System area). */
  keyIds: readonly string[];
  /** Names this node's claims on scheduled reports. */
  nodeId: string;
  logger: Logger;
  /** The helpdesk (caller checks, actions, approvals), built by `buildHelpdesk`. */
  helpdesk?: Helpdesk;
}

/**
 * The console's part of the composition root: operator sign-in (sessions apart from people's), API tokens,
 * the areas' read models, reports and their schedule, audit verifications. The schedule loop is null when no
 * report is scheduled; the app starts and stops it with the outbox worker.
 */
export function buildAdminServices(deps: AdminServicesDeps): { admin: AdminServices; reports: ReportScheduleLoop | null } {
  const { config, database, store, directory, tenants, clock, methods, logger } = deps;
  const db = database.db;
  const tenantRules = config.tenants.map((t) => ({ id: t.id, operators: t.operators }));
  const signIn = new AdminSignIn({
    store, directory, tenants, limiter: deps.limiter, clock, methods, verifier: deps.verifier, passkeys: deps.passkeys,
    sessions: new SqlAdminSessionRepository(db),
    grantsFor: (tenantId, groups) => grantsOf(tenantId, groups, tenantRules),
    settings: { idleTimeoutSeconds: config.admin.idleTimeoutSeconds, absoluteLifetimeSeconds: config.admin.absoluteLifetimeSeconds, partialTtlSeconds: 300, maxProofAttempts: 5 },
  });
  const stats = new SqlAuditStats(db);
  const coverage = new SqlMethodCoverage(db);
  const reminderLedger = new SqlReminderLedger(db);
  const enrolment = {
    policyFor: (tenantId: string) => policyFor(config.policy, tenantId),
    settingsFor: (tenantId: string) => enrolmentFor(config.enrolment, tenantId),
    ledger: reminderLedger, methods: reminderLedger,
  };
  const reportSources = { directory, coverage, snapshots: coverage, stats, auditGroups: new SqlAuditGroups(db, database.dialect), enrolment };
  const admin: AdminServices = {
    signIn,
    tokens: new AdminTokens({ store, tokens: new SqlAdminTokenRepository(db), clock, tenantIds: () => config.tenants.map((t) => t.id) }),
    store, directory, methods, clock, stats,
    activity: new SqlPersonActivity(db),
    auditQuery: new SqlAuditSearch(db),
    simulator: new PolicySimulator({
      directory, methods, tenants,
      policyFor: (tenantId) => policyFor(config.policy, tenantId), channels: { sms: config.sms.providers.length > 0, questions: true },
    }),
    oidc: oidcRelyingPartyOf(config),
    system: systemSourceOf({ config, db, dialect: database.dialect, clock, ringIds: deps.keyIds, version: unlatchVersion }),
    reports: reportSources,
    helpdesk: deps.helpdesk,
    auditVerifications: new AuditVerifications({
      runs: new SqlAuditVerificationRuns(db), source: () => new SqlAuditReader(db), clock,
      onError: (err, run) => logger.error({ err, runId: run.id }, 'audit verification stopped on an error'),
    }),
  };
  // Scheduled reports: every node checks each minute; the claim in report_runs lets one run each due report.
  const reports = config.admin.reports.schedules.length === 0 ? null : new ReportScheduleLoop(new ReportScheduler({
    schedules: config.admin.reports.schedules, runs: new SqlReportRuns(db), store, sources: reportSources, clock, node: deps.nodeId,
    tenantName: (id) => config.tenants.find((x) => x.id === id)?.name ?? id,
    onError: (schedule, err) => logger.error({ err, report: schedule.report, tenant: schedule.tenant }, 'scheduled report failed; will try again'),
  }), { onError: (err) => logger.error({ err }, 'report schedule check failed') });
  return { admin, reports };
}
