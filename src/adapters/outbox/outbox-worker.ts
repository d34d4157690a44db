import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import { MailDeliveryError, type Mailer } from '../../core/ports/mailer.js';
import type { AuditSinkSet } from '../audit/audit-sink-set.js';
import type { HookDelivery } from '../hooks/hook-delivery.js';
import type { RenderedMail } from '../mail/templates.js';
import type { SmsSender } from '../../core/sms/sms-sender.js';
import type { ClaimedMessage, Settlement, SqlOutboxQueue } from '../store/outbox-repository.js';
import { ClaimLease } from './claim-lease.js';
import { UnsettledDeliveries } from './unsettled-deliveries.js';

/** The retry reason of an audit row held back behind an earlier row of its sink. */
const AUDIT_WAITING = 'audit_waiting';

export interface OutboxWorkerSettings {
  pollIntervalMs: number;
  batchSize: number;
  maxAttempts: number;
  backoffSeconds: number;
  maxBackoffSeconds: number;
  /** How long a claim lasts without a heartbeat: how soon another node takes over the rows of a node that died. */
  claimSeconds: number;
}

/** What the worker reports, for metrics. */
export interface OutboxWorkerEvents {
  delivered(message: ClaimedMessage, outcome: 'sent' | 'retry' | 'dead', reason?: string): void;
}

export interface OutboxWorkerDeps {
  queue: SqlOutboxQueue;
  /** Where `audit` messages go (each to its sink, in order per sink); null when no export is configured. */
  auditSink: Pick<AuditSinkSet, 'deliver'> | null;
  /** Periodic clean-up run between delivery passes; its result is logged when it removed anything. */
  housekeeping?: { everyMs: number; run: () => Promise<object> };
  mailer: Mailer;
  /** Sends `sms` messages; null when no SMS provider is configured (such messages are given up). */
  sms?: SmsSender | null;
  /** Delivers `hook` messages to the configured post-reset hooks (docs/hooks.md). */
  hooks?: Pick<HookDelivery, 'deliver'>;
  render: (message: ClaimedMessage) => RenderedMail;
  /** Turns a text message into its text, in its language (`createSmsRenderer`); absent: text messages fail to render. */
  renderSms?: (message: ClaimedMessage) => string;
  clock: Clock;
  logger: FastifyBaseLogger;
  events: OutboxWorkerEvents;
  settings: OutboxWorkerSettings;
}

/**
 * Delivers outbox messages at least once, with exponential backoff. A mail server that is down delays
 * delivery and loses nothing: the row stays pending, its attempts and last error visible. Claims are short
 * and renewed while a pass runs ({@link ClaimLease}); each message is settled right after its attempt, so a
 * node that dies resends at most the message it was sending, and another node takes over within seconds.
 */
export class OutboxWorker {
  /** Names this worker's claims (`claimed_by`); a row sent by it keeps the name. */
  readonly id = `worker-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  /** Set by stop(): the current pass finishes its message and gives back the rest. */
  private stopping = false;
  /** Sent, not yet recorded: never sent twice by this node (receivers also dedupe on the mail Message-ID). */
  private readonly unsettled = new UnsettledDeliveries();
  private lastHousekeeping = 0;
  private wakeAfterRun = false;
  /** Unexpected errors behind failures of the current pass, for the log line (never sent to metrics). */
  private readonly causes = new Map<string, unknown>();

  constructor(private readonly deps: OutboxWorkerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  /** Finishes the message in flight, settles it, gives back the claims not started, and stops polling. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    // One last try for settlements that failed (the database was away); else their claims run out.
    await this.settleUnsettled();
  }

  /**
   * Asks for a pass as soon as possible (a message was just queued). Wake-ups while a pass runs
   * coalesce into one more pass after it, so a burst of messages costs a few passes, not one each.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAfterRun = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Claims and delivers one batch; returns how many messages it handled. Concurrent calls share one run. */
  runOnce(): Promise<number> {
    this.running ??= this.deliverBatch().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Runs until nothing is due (tests, the CLI `worker --once`). */
  async drain(maxRounds = 100): Promise<void> {
    for (let round = 0; round < maxRounds; round += 1) {
      if ((await this.runOnce()) === 0) return;
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'outbox worker pass failed'))
        .then((handled) => {
          const again = handled === this.deps.settings.batchSize || this.wakeAfterRun;
          this.wakeAfterRun = false;
          this.schedule(again ? 0 : this.deps.settings.pollIntervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }

  private async deliverBatch(): Promise<number> {
    const { queue, settings, logger } = this.deps;
    await this.housekeepIfDue();
    await this.settleUnsettled();
    if (this.stopping) return 0;
    const claimMs = settings.claimSeconds * 1000;
    const batch = await queue.claim(this.id, settings.batchSize, claimMs);
    if (batch.length === 0) return 0;
    const lease = new ClaimLease({ queue, workerId: this.id, claimMs, logger }, batch.map((m) => m.id));
    try {
      for (const message of batch) {
        if (this.stopping) break;
        // Sent by this node before, its settlement lost: record it, do not send it again.
        const outcome = this.unsettled.outcomeOf(message.id) ?? (await this.deliver(message));
        if (await this.settleOne(message, outcome)) lease.settled(message.id);
      }
      await this.settleUnsettled();
      // Sent but not recorded: leave the claim to run out rather than hand the row over to be sent again.
      for (const { message } of this.unsettled.list()) lease.settled(message.id);
    } finally {
      await lease.end();
    }
    return batch.length;
  }

  /**
   * Records one message's outcome at once (a crash later in the pass does not resend it). When that
   * fails, a sent message is remembered so this node never sends it twice; a failed one is simply tried
   * again once its claim runs out. Returns whether the outcome is recorded.
   */
  private async settleOne(message: ClaimedMessage, outcome: Settlement): Promise<boolean> {
    try {
      await this.deps.queue.settle([outcome]);
    } catch (error) {
      this.deps.logger.warn({ err: error, outboxId: message.id }, 'could not record a delivery outcome; will try again');
      if (outcome.kind === 'sent' || outcome.kind === 'dropped') this.unsettled.remember(message, outcome);
      return false;
    }
    this.unsettled.forget(message.id);
    this.report(message, outcome);
    return true;
  }

  /** Retries the settlements that failed, in one transaction; they stay remembered while it fails. */
  private async settleUnsettled(): Promise<void> {
    if (this.unsettled.size === 0) return;
    const entries = this.unsettled.list();
    try {
      await this.deps.queue.settle(entries.map((e) => e.outcome));
    } catch {
      return;
    }
    for (const { message, outcome } of entries) {
      this.unsettled.forget(message.id);
      this.report(message, outcome);
    }
  }

  private async housekeepIfDue(): Promise<void> {
    const { housekeeping, clock, logger } = this.deps;
    const now = clock.now().getTime();
    if (!housekeeping || now - this.lastHousekeeping < housekeeping.everyMs) return;
    this.lastHousekeeping = now;
    try {
      const report = await housekeeping.run();
      if (Object.values(report).some((n) => n > 0)) logger.info({ purged: report }, 'housekeeping removed expired rows');
    } catch (error) {
      logger.warn({ err: error }, 'housekeeping failed; will try again');
    }
  }

  /** Delivers one message and says how it went; nothing is written here. */
  private async deliver(message: ClaimedMessage): Promise<Settlement> {
    if (message.channel === 'audit') return this.exportAudit(message);
    if (message.channel === 'sms') return this.deliverSms(message);
    if (message.channel === 'hook' && this.deps.hooks) return this.deps.hooks.deliver(message, (reason, transient, cause) => this.failure(message, reason, transient, cause));
    const { mailer, render } = this.deps;
    try {
      const mail = render(message);
      // A decoy is rendered like a real message (same work), then dropped.
      if (message.decoy) return { id: message.id, kind: 'dropped' };
      await mailer.send({ to: message.to, subject: mail.subject, text: mail.text, html: mail.html, idempotencyKey: message.idempotencyKey, ...(mail.attachments ? { attachments: mail.attachments } : {}) });
      return { id: message.id, kind: 'sent', audit: this.auditOf(message, 'success') };
    } catch (error) {
      if (error instanceof MailDeliveryError) return this.failure(message, error.reason, error.transient, undefined);
      return this.failure(message, 'render_failed', false, error);
    }
  }

  /**
   * Sends a text message. The limits were checked when the message was queued (`SmsSender.admit`), so a
   * retry is not counted again; every attempt carries the row's idempotency key. `all_failed` (every
   * provider failed transiently) is retried with backoff; an invalid number or a refused message is given up.
   */
  private async deliverSms(message: ClaimedMessage): Promise<Settlement> {
    try {
      if (!this.deps.renderSms) return this.failure(message, 'render_failed', false, undefined);
      const text = this.deps.renderSms(message);
      if (message.decoy) return { id: message.id, kind: 'dropped' };
      if (!this.deps.sms) return this.failure(message, 'sms_not_configured', false, undefined);
      const result = await this.deps.sms.deliver({ to: message.to, text, idempotencyKey: message.idempotencyKey });
      if (result.sent) return { id: message.id, kind: 'sent', audit: this.auditOf(message, 'success', { provider: result.provider }) };
      return this.failure(message, `sms_${result.reason}`, result.reason === 'all_failed', undefined);
    } catch (error) {
      return this.failure(message, 'sms_failed', true, error);
    }
  }

  /**
   * Exported entries are not audited on delivery (that would export forever); a sink that fails is retried,
   * never given up. A row behind an earlier pending row of its sink waits for it (no attempt is used).
   */
  private async exportAudit(message: ClaimedMessage): Promise<Settlement> {
    try {
      if (!this.deps.auditSink) throw new Error('audit export is no longer configured');
      const delivery = await this.deps.auditSink.deliver(message);
      if (delivery.kind === 'waiting') return { id: message.id, kind: 'retry', attempts: message.attempts, nextAttemptAt: delivery.until, reason: AUDIT_WAITING };
      return { id: message.id, kind: 'sent', audit: null };
    } catch (error) {
      return this.failure(message, 'export_failed', true, error);
    }
  }

  /** A transient failure is retried with backoff until attempts run out; anything else is given up and audited. */
  private failure(message: ClaimedMessage, reason: string, transient: boolean, cause: unknown): Settlement {
    const { clock, settings } = this.deps;
    const attempts = message.attempts + 1;
    if (cause !== undefined) this.causes.set(message.id, cause);
    // An audit stream loses nothing while its sink is down: its rows retry (at most every maxBackoffSeconds) until it is back.
    if (transient && (attempts < settings.maxAttempts || message.channel === 'audit')) {
      const delaySeconds = Math.min(settings.maxBackoffSeconds, settings.backoffSeconds * 2 ** (attempts - 1));
      // Jitter spreads retries of many messages after an outage.
      const nextAttemptAt = clock.now().getTime() + Math.round(delaySeconds * 1000 * (0.8 + Math.random() * 0.4));
      return { id: message.id, kind: 'retry', attempts, nextAttemptAt, reason };
    }
    const audit = message.channel === 'audit' ? null : this.auditOf(message, 'failure', { reason, attempts });
    return { id: message.id, kind: 'dead', reason, audit };
  }

  /** Metrics and logs, once the outcome is recorded. */
  private report(message: ClaimedMessage, outcome: Settlement): void {
    const { events, logger, clock } = this.deps;
    const context = { outboxId: message.id, channel: message.channel, template: message.template, flowId: message.flowId, attempts: message.attempts + 1 };
    const cause = this.causes.get(message.id);
    this.causes.delete(message.id);
    switch (outcome.kind) {
      case 'dropped':
        return;
      case 'sent':
        events.delivered(message, 'sent');
        if (message.channel !== 'audit') logger.info(context, 'message delivered');
        return;
      case 'retry':
        // Waiting behind an earlier entry of the same sink is ordering, not a failure.
        if (outcome.reason === AUDIT_WAITING) return;
        events.delivered(message, 'retry', outcome.reason);
        logger.warn({ ...context, reason: outcome.reason, retryInSeconds: Math.round((outcome.nextAttemptAt - clock.now().getTime()) / 1000), err: cause }, 'message delivery failed; will retry');
        return;
      case 'dead':
        events.delivered(message, 'dead', outcome.reason);
        logger.error({ ...context, reason: outcome.reason, err: cause }, 'message delivery gave up');
        return;
    }
  }

  private auditOf(message: ClaimedMessage, outcome: 'success' | 'failure', details: Record<string, unknown> = {}): AuditEntryInput {
    // A texted code for a reset's second proof is a reset code; one confirming a new number is a notice.
    const isCode = message.template === 'reset_code' || (message.template === 'sms_code' && message.flowId !== null);
    const event = outcome === 'success' ? (isCode ? 'reset.code_sent' : 'notice.sent') : isCode ? 'reset.code_send_failed' : 'notice.send_failed';
    return {
      event,
      outcome,
      tenantId: message.tenantId,
      subjectId: message.subjectId,
      actor: 'system',
      flowId: message.flowId,
      // A canary flow's message (the synthetic check) keeps its mark, so the console's delivery figures leave it out.
      details: { channel: message.channel, template: message.template, ...(message.data.canary === 1 ? { canary: true } : {}), ...details },
    };
  }
}
