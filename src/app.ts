import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { UnlatchConfig } from './config/schema.js';
import { resolveMasterKeys } from './config/key-material.js';
import { PasswordChange } from './core/change/password-change.js';
import { KeyRing } from './core/crypto/key-ring.js';
import { Sealer } from './core/crypto/sealer.js';
import { PasswordPolicy } from './core/password/password-policy.js';
import { systemClock, type Clock } from './core/ports/clock.js';
import type { Mailer } from './core/ports/mailer.js';
import { SqlAccessPassRepository } from './adapters/store/access-pass-repository.js';
import { ResetFlow } from './core/reset/reset-flow.js';
import { CanaryAccounts } from './core/reset/canary-accounts.js';
import { MethodRegistration } from './core/methods/method-registration.js';
import { MethodTest } from './core/methods/method-test.js';
import { MethodVerifier } from './core/methods/method-verifier.js';
import { EmailRegistration } from './core/methods/email_code/email-registration.js';
import { QuestionRegistration } from './core/methods/questions/question-registration.js';
import { Argon2AnswerHasher } from './adapters/methods/answer-hasher.js';
import { Passkeys } from './core/methods/webauthn/passkeys.js';
import { SqlChallengeStore } from './adapters/store/challenge-repository.js';
import { SimpleWebAuthnCeremonies } from './adapters/webauthn/simplewebauthn-ceremonies.js';
import { relyingPartyOf } from './config/webauthn.js';
import type { TenantPolicy } from './core/policy/method-policy.js';
import { DEFAULT_SIGN_IN_SETTINGS, SignIn } from './core/signin/sign-in.js';
import { SqlSessionRepository } from './adapters/store/session-repository.js';
import { SmsSender } from './core/sms/sms-sender.js';
import { buildSmsProviders } from './adapters/sms/build-sms-providers.js';
import { smsBucketSettings } from './core/sms/sms-limits.js';
import { qrSvg } from './adapters/qr/qr-svg.js';
import { SqlMethodRepository } from './adapters/store/method-repository.js';
import { Argon2Hasher } from './adapters/directory/password-hasher.js';
import { buildDirectoryRouter } from './adapters/directory/build-directories.js';
import { PendingImports } from './core/enrolment/contact-import-pending.js';
import { directoryRouterEvents } from './adapters/directory/router-events.js';
import { auditExportOf, buildAuditSinks } from './adapters/audit/build-audit-sinks.js';
import { hookRoutesOf } from './config/hooks-schema.js';
import { buildHookTargets } from './adapters/hooks/hook-presets.js';
import { HookDelivery } from './adapters/hooks/hook-delivery.js';
import { exportWithHooks } from './adapters/hooks/hook-export.js';
import { AuditSinkMetrics } from './adapters/audit/audit-sink-metrics.js';
import { configuredAuditSinks } from './config/audit-sinks-schema.js';
import { buildCatalogue } from './adapters/i18n/catalogue.js';
import { buildLimiter } from './adapters/limiter/build-limiter.js';
import { buildRisk, type RiskServices } from './adapters/risk/build-risk.js';
import { riskBucketSettings } from './config/risk-schema.js';
import { RISK_BUCKET_POINTS } from './core/risk/risk-settings.js';
import type { ClosableLimiter } from './adapters/limiter/bucket-limiter.js';
import type { SmtpMailer } from './adapters/mail/smtp-mailer.js';
import { createMailRenderer, createSmsRenderer } from './adapters/mail/mail-renderer.js';
import { brandMails, mailBrandsOf } from './adapters/mail/mail-brand.js';
import { createLogger } from './adapters/observability/logger.js';
import { UnlatchMetrics } from './adapters/observability/metrics.js';
import { tracingActive } from './adapters/observability/tracing.js';
import { traceAuditSinks, traceDirectory, traceMailer, tracePasswordChange, traceResetFlow, traceSms, traceStore } from './adapters/observability/tracing-wiring.js';
import { readOutboxBacklog } from './adapters/observability/outbox-snapshot.js';
import { unlatchVersion } from './version.js';
import { OutboxWorker } from './adapters/outbox/outbox-worker.js';
import { defaultBlocklistPath, loadBlocklistFile } from './adapters/password/file-blocklist.js';
import { openBreachedFilters, type BreachedFilters } from './adapters/password/breached/breached-config.js';
import { ZxcvbnEstimator } from './adapters/password/zxcvbn-estimator.js';
import { openDatabase, type DatabaseHandle } from './adapters/store/database.js';
import { DEMO_OPERATOR, seedDemoOperator, seedDemoUsers } from './adapters/store/demo-seed.js';
import type { ReportScheduleLoop } from './adapters/reports/report-schedule-loop.js';
import { buildProofOfWork, type ProofOfWorkParts } from './adapters/risk/altcha-gate.js';
import type { AdminServices } from './http/admin/console-services.js';
import { buildAdminServices } from './admin-services.js';
import { buildHelpdesk } from './helpdesk-services.js';
import { buildFraudServices } from './fraud-services.js';
import { buildReviewServices } from './core/risk/review-services.js';
import { SqlReviewQueue } from './adapters/store/review-queue.js';
import { registerReviewGauge } from './adapters/store/review-gauge.js';
import { reviewTtlSeconds } from './config/review-schema.js';
import { buildIncidents } from './adapters/store/incident-services.js';
import type { IncidentService } from './core/incident/incident-service.js';
import { FRAUD_BUCKET_SETTINGS } from './core/fraud/fraud-settings.js';
import { helpdeskBucketSettings } from './core/helpdesk/helpdesk-settings.js';
import { buildReminderServices, type ReminderServices } from './reminder-services.js';
import { purgeExpired } from './adapters/store/housekeeping.js';
import { DevOutbox } from './adapters/store/dev-outbox-repository.js';
import { migrateToLatest } from './adapters/store/migrate.js';
import { refuseRemovedKeys } from './adapters/store/removed-key-check.js';
import { SqlOutboxQueue } from './adapters/store/outbox-repository.js';
import { SqlStore } from './adapters/store/sql-store.js';
import { SqlUserRepository } from './adapters/store/user-repository.js';
import { ConfigTenants } from './adapters/tenants/config-tenants.js';
import { policyFor } from './config/policy-schema.js';
import { buildServer } from './http/server.js';
import type { HttpDeps } from './http/http-deps.js';
import { buildMetricsServer, parseListen } from './http/metrics-server.js';
import { closeAllConnections, closeKeepAliveWhileDraining, closeServerPromptly } from './http/server-drain.js';
import { RefusalDigest } from './core/audit/refusal-digest.js';

export interface AppOptions {
  config: UnlatchConfig;
  clock?: Clock;
  logger?: Logger;
  /** Run pending migrations first (default true). */
  migrate?: boolean;
  /** Start the in-process outbox worker (default: `outbox.inProcess`). */
  startWorker?: boolean;
  /** Open spans (default: whether an OpenTelemetry provider was started, `OTEL_TRACES_EXPORTER`). */
  tracing?: boolean;
}

/** Everything built from one config; the only place that knows every piece. */
export interface UnlatchApp {
  config: UnlatchConfig;
  server: FastifyInstance;
  database: DatabaseHandle;
  store: SqlStore;
  users: SqlUserRepository;
  hasher: Argon2Hasher;
  worker: OutboxWorker;
  outboxQueue: SqlOutboxQueue;
  devOutbox: DevOutbox | null;
  metrics: UnlatchMetrics;
  keys: KeyRing;
  /** Registered verification methods and their registration (issue 3; not yet reachable over HTTP). */
  methodRegistration: MethodRegistration;
  /** Extra email addresses, confirmed by a mailed code. */
  emailRegistration: EmailRegistration;
  /** Sign-in to manage one's security info (issue 3; not yet reachable over HTTP). */
  signIn: SignIn;
  policyFor: (tenantId: string) => TenantPolicy;
  /** Sends SMS codes when providers are configured (phone registration, a reset's second proof). */
  sms: SmsSender | null;
  /** The console's services (absent when `admin.enabled` is false). */
  admin?: AdminServices;
  /** The scheduled reports' check (`admin.reports.schedules`); null when none are configured or the console is off. */
  reports: ReportScheduleLoop | null;
  /** Enrolment and expiry reminders: the job (`unlatch reminders run`) and its in-process rounds. */
  reminders: ReminderServices;
  /** Forced resets after an incident (`unlatch incident`, the console's Incidents area; docs/incident-response.md). */
  incidents: IncidentService;
  /** The start's proof-of-work gate and attack mode (docs/risk.md). */
  proofOfWork: ProofOfWorkParts;
  /** The reset and unlock flows (the HTTP routes' core; its folded refusals are written by a timer and at close). */
  resetFlow: ResetFlow;
  /** Listens on the configured host and port; returns the address. */
  listen(): Promise<string>;
  /** The first step of a shutdown: /readyz answers 503 `draining`; requests are still served. */
  beginDrain(): void;
  /**
   * Stops accepting, closes idle keep-alive connections, lets in-flight requests finish, stops the worker
   * (its current message is settled, its other claims given back), gives back account leases, closes the database.
   */
  close(): Promise<void>;
  /** Past the shutdown deadline: cuts every connection and gives back account leases; the process exits next. */
  forceClose(): Promise<void>;
}

export async function buildApp(options: AppOptions): Promise<UnlatchApp> {
  const { config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.log.level);
  const keys = new KeyRing(resolveMasterKeys(config));
  const tracing = options.tracing ?? tracingActive();
  const database = openDatabase(config.database.url!, {
    poolSize: config.database.poolSize,
    onConnectionLost: (error, state) => logger.warn({ err: error, state }, 'database connection lost; it will be replaced'),
  });
  let limiterToClose: ClosableLimiter | null = null;
  let risk: RiskServices | null = null;
  let breached: BreachedFilters | null = null;
  try {
    if (options.migrate !== false) await migrateToLatest(database.db);
    await refuseRemovedKeys(database, keys, clock.now());

    const outboxSealer = new Sealer(keys, 'outbox-seal');
    // Audit streams to SIEMs (docs/siem.md): one outbox row per entry and sink, written with the entry.
    const auditSinkConfigs = configuredAuditSinks(config.audit);
    // Post-reset hooks (docs/hooks.md) ride on the same export: their rows are queued with the audit entry.
    const auditExport = exportWithHooks(auditExportOf(auditSinkConfigs, outboxSealer), hookRoutesOf(config.hooks), outboxSealer);
    const hookTargets = await buildHookTargets(config.hooks, { issuer: config.publicUrl!, now: () => clock.now().getTime() });
    const store = traceStore(new SqlStore(database, outboxSealer, clock, auditExport, { chains: config.audit.chains }), tracing);
    const hasher = new Argon2Hasher();
    const users = new SqlUserRepository(database.db);
    const tenants = new ConfigTenants(config.tenants, config.defaultTenant!);
    // Each tenant's directories from config (default: the built-in user store), behind one router. Nothing
    // connects yet: an LDAP server that is down fails the first request that needs it, not the start.
    const metrics = new UnlatchMetrics({
      outbox: () => readOutboxBacklog(database.db),
      now: () => clock.now(),
      version: unlatchVersion(),
      helpdeskTicketCost: config.metrics.helpdeskTicketCost,
      tenants: config.tenants.map((tenant) => tenant.id),
    });
    store.onAuditCommit((entries) => metrics.auditCommitted(entries));
    metrics.hooks.configured(config.hooks);
    const auditSinks = buildAuditSinks(auditSinkConfigs, {
      db: database.db,
      now: () => clock.now().getTime(),
      events: new AuditSinkMetrics(metrics.registry, async () => (auditSinks ? auditSinks.lagSeconds() : new Map())),
    });
    // Each configured directory is timed by name (unlatch_directory_operation_duration_seconds).
    const directory = traceDirectory(await buildDirectoryRouter(config, { db: database.db, hasher, clock, wrap: (name, d) => metrics.directories.wrap(name, d) }, directoryRouterEvents({
      store, logger, countFailure: (f) => metrics.directoryError(f.tenantId, f.directory, f.reason),
    })), tracing);
    // One limiter for every bucket, SMS included, in the configured store (shared across nodes unless memory).
    const limiter = await buildLimiter(config, { ...smsBucketSettings(config.sms.limits), ...helpdeskBucketSettings(config.helpdesk.limits), ...FRAUD_BUCKET_SETTINGS, ...riskBucketSettings(config.risk, RISK_BUCKET_POINTS) }, {
      fallback: (store) => metrics.rateLimitFallback(store),
      log: logger,
    });
    limiterToClose = limiter;
    // The risk engine (docs/risk.md): a missing reputation list or GeoIP file stops the start here.
    // Proof-of-work at the start (ALTCHA, the no-JavaScript wait) and attack mode (docs/risk.md).
    const proofOfWork = buildProofOfWork({
      db: database.db, store, keys, clock, registry: metrics.registry, tenants: () => config.tenants.map((t) => t.id), proofOfWork: config.risk.proofOfWork,
      attackMode: config.risk.attackMode, tenantMode: (id) => config.tenants.find((t) => t.id === id)?.risk?.proofOfWork?.mode, onError: (err) => logger.error({ err }, 'attack mode check failed'),
    });
    risk = buildRisk({ config, db: database.db, keys, clock, limiter, tenants, registry: metrics.registry, log: logger, attackMode: proofOfWork.attackMode });
    const riskMetrics = risk.metrics;
    store.onAuditCommit((entries) => riskMetrics.auditCommitted(entries));
    // "This wasn't me" reports, fraud labels and the friction rating (docs/fraud-reports.md).
    const fraud = buildFraudServices({ config, db: database.db, store, limiter, clock, metrics });
    // The offline breach list (docs/breached-passwords.md): a missing or damaged file stops the start.
    breached = config.password.breachedFilter ? openBreachedFilters(config.password.breachedFilter, {
      onSwap: (reader) => logger.info({ entries: reader.header.entryCount, source: reader.header.source }, 'breached-password filter replaced'),
      onError: (err) => logger.error({ err }, 'a new breached-password filter could not be opened; the previous one stays in use'),
    }) : null;
    const passwords = new PasswordPolicy({
      ...(breached ? { breached: breached.sha1 } : {}),
      rules: config.password,
      blocklist: loadBlocklistFile(config.password.blocklistFile ?? defaultBlocklistPath()),
      strength: new ZxcvbnEstimator(),
    });
    const outboxQueue = new SqlOutboxQueue(database.db, database.dialect, outboxSealer, clock, auditExport, { chains: config.audit.chains });
    // Languages, per-tenant overrides and each tenant's default language, checked before anything starts.
    const catalogue = buildCatalogue(config);
    const i18n = catalogue.i18n;
    const messageTexts = { i18n, i18nFor: catalogue.i18nFor, defaultLanguageOf: (id: string) => tenants.get(id)?.defaultLanguage };

    const sms = traceSms(config.sms.providers.length === 0 ? null : new SmsSender({
      providers: buildSmsProviders(config.sms.providers),
      limiter,
      limits: config.sms.limits,
      onAttempt: (provider, outcome, reason) => metrics.smsAttempt(provider, outcome, reason),
    }), tracing);
    const devOutbox = config.mode === 'dev' ? new DevOutbox(database.db, clock) : null;
    const mailer: Mailer = traceMailer(config.mail.transport === 'smtp' ? await smtpMailerOf(config) : devOutbox!, tracing);
    const worker = new OutboxWorker({
      queue: outboxQueue,
      auditSink: traceAuditSinks(auditSinks, tracing),
      mailer,
      sms,
      render: brandMails(mailBrandsOf(config), (supportContact) => createMailRenderer({ ...messageTexts, publicUrl: config.publicUrl!, supportContact: supportContact ?? config.mail.supportContact })),
      renderSms: createSmsRenderer(messageTexts),
      clock,
      logger,
      events: metrics,
      settings: config.outbox,
      hooks: new HookDelivery({ hooks: hookTargets.hooks, directory }),
      housekeeping: {
        everyMs: 10 * 60_000,
        run: () => purgeExpired(database.db, clock.now(), { outboxRetentionDays: config.outbox.retentionDays, devOutboxKeep: 500 }),
      },
    });

    if (config.mode === 'dev') {
      const seeded = await seedDemoUsers(database.db, hasher, clock, config.defaultTenant!);
      if (seeded > 0) logger.info({ tenant: config.defaultTenant, users: seeded }, 'demo users created');
    }

    const sessions = new SqlSessionRepository(database.db);
    const methods = new SqlMethodRepository(database.db, new Sealer(keys, 'totp-seal'));
    const verifier = new MethodVerifier({ methods, keys, clock });
    // Temporary access passes from the helpdesk: a reset proof and a way to sign in to security info.
    const accessPasses = new SqlAccessPassRepository(database.db);
    // Passkeys (WebAuthn): one instance serves registration, reset and sign-in step-up.
    const challenges = new SqlChallengeStore(database.db);
    const passkeys = new Passkeys({
      ceremonies: new SimpleWebAuthnCeremonies(),
      challenges,
      methods, store, clock,
      settings: { rp: relyingPartyOf(config), challengeTtlSeconds: config.webauthn.challengeTtlSeconds },
    });
    // Security questions: answers hashed like passwords (argon2id); used only where a policy allows them.
    const answerHasher = new Argon2AnswerHasher(hasher);
    // Forced resets after an incident; its store is also the reset policy's lookup of `strict` overrides.
    const incidents = buildIncidents({ db: database.db, store, directory, sessions, methods, tenants, clock, policyFor: (tenantId) => policyFor(config.policy, tenantId), smsAvailable: sms !== null });
    // Resets the risk engine holds for review: the person's waiting page and notice, the console's Reviews area, the gauge (docs/risk.md).
    const reviewQueue = new SqlReviewQueue(database.db);
    const reviews = buildReviewServices({
      store, queue: reviewQueue, clock, settings: config.reset, notices: { directory, methods, tenants, policyFor: (tenantId) => policyFor(config.policy, tenantId) },
    });
    registerReviewGauge(metrics.registry, { tenantIds: config.tenants.map((t) => t.id), read: () => reviewQueue.countPending(clock.now()) });
    const resetFlow = traceResetFlow(new ResetFlow({
      store, directory, tenants, keys, limiter, passwords, clock, observer: metrics, settings: config.reset, sessions, methods, verifier, passkeys,
      policyFor: (tenantId) => policyFor(config.policy, tenantId), sms, answerHasher, accessPasses,
      holds: fraud.reports,
      proofOfWork: proofOfWork.gate,
      risk: risk.engine,
      review: { ttlSeconds: reviewTtlSeconds(config) },
      policyOverrides: incidents.store,
      refusals: config.audit.refusalWindowSeconds > 0 ? new RefusalDigest({ windowMs: config.audit.refusalWindowSeconds * 1000, maxKeys: 10_000 }) : undefined,
      canaries: new CanaryAccounts(config.tenants.map((t) => ({ tenantId: t.id, accounts: t.canaryAccounts ?? [] }))),
    }), tracing);
    const passwordChange = tracePasswordChange(new PasswordChange({ store, directory, tenants, limiter, passwords, clock, observer: metrics, sessions, methods, policyFor: (tenantId) => policyFor(config.policy, tenantId) }), tracing);
    const methodRegistration = new MethodRegistration({ store, methods, tenants, keys, clock, qrSvg, passkeys, sms, limiter, policyFor: (tenantId) => policyFor(config.policy, tenantId) });
    const questionRegistration = new QuestionRegistration({
      store, methods, tenants, clock, hasher: answerHasher, settings: config.securityQuestions, policyFor: (tenantId) => policyFor(config.policy, tenantId),
    });
    const emailRegistration = new EmailRegistration({ store, methods, tenants, keys, clock, limiter, policyFor: (tenantId) => policyFor(config.policy, tenantId) });
    const methodTest = new MethodTest({ store, methods, tenants, keys, clock, limiter, challenges, passkeys, sms });
    const consoleServices = config.admin.enabled
      ? buildAdminServices({
        config, database, store, directory, tenants, limiter, clock, methods, verifier, passkeys, keyIds: keys.ids, nodeId: worker.id, logger,
        helpdesk: buildHelpdesk({ config, database, store, directory, tenants, limiter, clock, methods, verifier, keys, sms, passwords, sessions }),
      })
      : null;
    const admin = consoleServices?.admin;
    const reports = consoleServices?.reports ?? null;
    const reminders = buildReminderServices({ config, database, store, directory, tenants, clock, nodeId: worker.id, logger });
    // The demo operator exists for trying the console: dev mode, console on.
    if (config.mode === 'dev' && admin) {
      const added = await seedDemoOperator(database.db, hasher, clock, config.defaultTenant!, async (subjectId) => {
        await methods.add({ tenantId: config.defaultTenant!, subjectId, kind: 'totp', name: 'Demo authenticator', secret: DEMO_OPERATOR.totpSeed, confirmed: true }, clock.now());
      });
      if (added) logger.info({ tenant: config.defaultTenant, operator: DEMO_OPERATOR.username, totpSeed: DEMO_OPERATOR.totpSeed }, 'demo console operator created (dev mode only): see the README');
    }
    const signIn = new SignIn({ store, directory, tenants, limiter, clock, sessions, methods, verifier, passkeys, sms, keys, challenges, accessPasses, settings: DEFAULT_SIGN_IN_SETTINGS, policyFor: (tenantId) => policyFor(config.policy, tenantId), risk: risk.engine });
    // Set at the shutdown signal: /readyz answers 503 and responses close their keep-alive connection.
    let draining = false;
    const httpDeps: HttpDeps = {
      config,
      resetFlow,
      passwordChange,
      signIn,
      methodRegistration,
      methodTest,
      questionRegistration,
      emailRegistration,
      pendingImports: new PendingImports({ store, methods }),
      policyFor: (tenantId) => policyFor(config.policy, tenantId),
      tenants,
      devOutbox,
      metricsRegistry: metrics.registry,
      observeHttp: (sample) => metrics.http.observe(sample),
      readiness: async () => ({ store: await store.ping() }),
      draining: () => draining,
      i18n,
      i18nFor: catalogue.i18nFor,
      logger,
      // One signing secret per key, newest first: a cookie signed before a key moved down still verifies.
      cookieSecrets: keys.ids.map((id) => createHmac('sha256', keys.subkey('code-hmac', id)!).update('cookie-signing').digest('base64url')),
      admin,
      fraud,
      reviews,
      proofOfWork,
      incidents: incidents.service,
      tracing,
      hooksJwks: hookTargets.jwks.keys.length > 0 ? hookTargets.jwks : undefined,
    };
    // With `admin.listen` the console has a listener of its own and the public port does not serve it.
    const server = await buildServer(httpDeps, config.admin.listen ? 'public' : 'all');
    const adminServer = admin && config.admin.listen ? await buildServer(httpDeps, 'admin') : null;

    closeKeepAliveWhileDraining(server, () => draining);
    const metricsServer = config.metrics.listen ? await buildMetricsServer({ metricsRegistry: metrics.registry, logger }) : null;

    const startWorker = options.startWorker ?? config.outbox.inProcess;
    if (startWorker) {
      store.onOutboxCommit(() => worker.wake());
      worker.start();
      reports?.start();
      reminders.loop?.start();
    }

    let closed = false;
    let refusalTimer: NodeJS.Timeout | undefined;
    return {
      config,
      server,
      database,
      store,
      users,
      hasher,
      worker,
      outboxQueue,
      devOutbox,
      metrics,
      keys,
      methodRegistration,
      emailRegistration,
      signIn,
      policyFor: (tenantId) => policyFor(config.policy, tenantId),
      sms,
      admin,
      reports,
      reminders,
      incidents: incidents.service,
      proofOfWork,
      resetFlow,
      async listen() {
        if (metricsServer) await metricsServer.listen(parseListen(config.metrics.listen!));
        if (adminServer) await adminServer.listen(parseListen(config.admin.listen!));
        // Every node that serves starts counts them and checks attack mode (a separate outbox worker need not).
        proofOfWork.loop.start();
        // Folded rate-limit refusals: each closed window's count is written soon after it closes.
        refusalTimer ??= setInterval(() => void resetFlow.writeRefusalSummaries().catch((err: unknown) => logger.error({ err }, 'writing folded refusals failed')), 15_000).unref();
        return server.listen({ host: config.server.host, port: config.server.port });
      },
      beginDrain() {
        draining = true;
      },
      async close() {
        if (closed) return;
        closed = true;
        draining = true;
        // Requests first (they may queue mail), then the worker; leases are normally given back by now.
        await closeServerPromptly(server);
        if (refusalTimer) clearInterval(refusalTimer);
        // The counts of refusals still folded are written before the store goes (nothing is lost at a deploy).
        await resetFlow.writeRefusalSummaries(true).catch((err: unknown) => logger.error({ err }, 'writing folded refusals failed'));
        await metricsServer?.close();
        await adminServer?.close();
        await reports?.stop();
        await proofOfWork.loop.stop();
        await reminders.loop?.stop();
        await worker.stop();
        await auditSinks?.close();
        hookTargets.close();
        await store.locks.releaseAll();
        if ('close' in mailer && typeof mailer.close === 'function') await (mailer as SmtpMailer).close();
        await limiter.close();
        risk?.close();
        // A verification still walking the log is recorded as stopped before its database goes.
        await admin?.auditVerifications?.close();
        breached?.close();
        await database.close();
      },
      async forceClose() {
        draining = true;
        closeAllConnections(server);
        if (metricsServer) closeAllConnections(metricsServer);
        if (adminServer) closeAllConnections(adminServer);
        // Work cut short may still hold leases: give them back so the people can retry on another node now.
        await store.locks.releaseAll();
      },
    };
  } catch (error) {
    await limiterToClose?.close();
    risk?.close();
    breached?.close();
    await database.close();
    throw error;
  }
}

/** The SMTP client (nodemailer, ~5 MB of heap) is loaded only by nodes that send over SMTP. */
async function smtpMailerOf(config: UnlatchConfig): Promise<SmtpMailer> {
  const smtp = config.mail.smtp!;
  const { SmtpMailer } = await import('./adapters/mail/smtp-mailer.js');
  return new SmtpMailer({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.requireTLS,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    from: config.mail.from,
    connectionTimeoutMs: smtp.connectionTimeoutMs,
    tls: { rejectUnauthorized: smtp.tlsRejectUnauthorized },
  });
}
