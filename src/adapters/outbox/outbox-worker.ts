import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import { MailDeliveryError, type Mailer } from '../../core/ports/mailer.js';
import type { AuditExportSink } from '../audit/jsonl-file-sink.js';
import type { RenderedMail } from '../mail/templates.js';
import type { ClaimedMessage, SqlOutboxQueue } from '../store/outbox-repository.js';

export interface OutboxWorkerSettings {
  pollIntervalMs: number;
  batchSize: number;
  maxAttempts: number;
  backoffSeconds: number;
  maxBackoffSeconds: number;
}

/** What the worker reports, for metrics. */
export interface OutboxWorkerEvents {
  delivered(message: ClaimedMessage, outcome: 'sent' | 'retry' | 'dead', reason?: string): void;
}

export interface OutboxWorkerDeps {
  queue: SqlOutboxQueue;
  /** Where `audit` messages go; null when no export is configured. */
  auditSink: AuditExportSink | null;
  /** Periodic clean-up run between delivery passes; its result is logged when it removed anything. */
  housekeeping?: { everyMs: number; run: () => Promise<object> };
  mailer: Mailer;
  render: (message: ClaimedMessage) => RenderedMail;
  clock: Clock;
  logger: FastifyBaseLogger;
  events: OutboxWorkerEvents;
  settings: OutboxWorkerSettings;
}

/** How long a claim lasts: long enough for a slow SMTP exchange, short enough that a crashed node's rows come back. */
const CLAIM_MS = 120_000;

/**
 * Delivers outbox messages at least once, with exponential backoff. A mail server that is down delays
 * delivery and loses nothing: the row stays pending, its attempts and last error visible.
 */
export class OutboxWorker {
  private readonly id = `worker-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;
  private lastHousekeeping = 0;
  private wakeAfterRun = false;

  constructor(private readonly deps: OutboxWorkerDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
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
    const { queue, settings } = this.deps;
    await this.housekeepIfDue();
    const batch = await queue.claim(this.id, settings.batchSize, CLAIM_MS);
    for (const message of batch) await this.deliver(message);
    return batch.length;
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

  private async deliver(message: ClaimedMessage): Promise<void> {
    if (message.channel === 'audit') return this.exportAudit(message);
    const { queue, mailer, render, logger, events } = this.deps;
    try {
      const mail = render(message);
      if (message.decoy) {
        await queue.markDropped(message.id);
        return;
      }
      await mailer.send({ to: message.to, subject: mail.subject, text: mail.text, html: mail.html, idempotencyKey: message.idempotencyKey });
      await queue.markSent(message.id, this.auditOf(message, 'success'));
      events.delivered(message, 'sent');
      logger.info({ outboxId: message.id, template: message.template, flowId: message.flowId, attempts: message.attempts + 1 }, 'message delivered');
    } catch (error) {
      if (error instanceof MailDeliveryError) await this.settleFailure(message, error.reason, error.transient, undefined);
      else await this.settleFailure(message, 'render_failed', false, error);
    }
  }

  /** Exported entries are not audited on delivery (that would export forever); a sink that fails is retried. */
  private async exportAudit(message: ClaimedMessage): Promise<void> {
    const { queue, events, auditSink } = this.deps;
    try {
      if (!auditSink) throw new Error('audit export is no longer configured');
      await auditSink.write(message.data);
      await queue.markSent(message.id, null);
      events.delivered(message, 'sent');
    } catch (error) {
      await this.settleFailure(message, 'export_failed', true, error);
    }
  }

  /** A transient failure is retried with backoff until attempts run out; anything else is given up, audited and logged. */
  private async settleFailure(message: ClaimedMessage, reason: string, transient: boolean, cause: unknown): Promise<void> {
    const { queue, clock, logger, events, settings } = this.deps;
    const context = { outboxId: message.id, channel: message.channel, template: message.template, flowId: message.flowId, reason };
    const attempts = message.attempts + 1;
    if (transient && attempts < settings.maxAttempts) {
      const delaySeconds = Math.min(settings.maxBackoffSeconds, settings.backoffSeconds * 2 ** (attempts - 1));
      // Jitter spreads retries of many messages after an outage.
      const nextAt = clock.now().getTime() + Math.round(delaySeconds * 1000 * (0.8 + Math.random() * 0.4));
      await queue.markRetry(message.id, attempts, nextAt, reason);
      events.delivered(message, 'retry', reason);
      logger.warn({ ...context, attempts, retryInSeconds: Math.round((nextAt - clock.now().getTime()) / 1000), err: cause }, 'message delivery failed; will retry');
      return;
    }
    const audit = message.channel === 'audit' ? undefined : this.auditOf(message, 'failure', { reason, attempts });
    await queue.markDead(message.id, reason, audit);
    events.delivered(message, 'dead', reason);
    logger.error({ ...context, attempts, err: cause }, 'message delivery gave up');
  }

  private auditOf(message: ClaimedMessage, outcome: 'success' | 'failure', details: Record<string, unknown> = {}): AuditEntryInput {
    const isCode = message.template === 'reset_code';
    const event = outcome === 'success' ? (isCode ? 'reset.code_sent' : 'notice.sent') : isCode ? 'reset.code_send_failed' : 'notice.send_failed';
    return {
      event,
      outcome,
      tenantId: message.tenantId,
      subjectId: message.subjectId,
      actor: 'system',
      flowId: message.flowId,
      details: { channel: message.channel, template: message.template, ...details },
    };
  }
}
