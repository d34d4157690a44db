import { Counter, Histogram, Registry } from 'prom-client';
import type { AuditEntryInput, AuditEvent } from '../../core/ports/audit.js';
import { METHOD_KINDS } from '../../core/policy/method-policy.js';
import type { FlowObservation, FlowObserver } from '../../core/ports/flow-observer.js';
import { CanaryMetrics } from './canary-metrics.js';
import type { OutboxWorkerEvents } from '../outbox/outbox-worker.js';
import type { ClaimedMessage } from '../store/outbox-repository.js';
import { FraudMetrics } from './fraud-metrics.js';
import { HelpdeskMetrics, type TicketCost } from './helpdesk-metrics.js';
import { HookMetrics } from './hook-metrics.js';
import { HttpMetrics } from './http-metrics.js';
import { registerOutboxGauges } from './outbox-gauges.js';
import type { OutboxKindBacklog } from './outbox-snapshot.js';
import { registerProcessMetrics } from './process-metrics.js';
import { DirectoryMetrics } from './timed-directory.js';

/** What UnlatchMetrics reads or shows beside the events it is told of. */
export interface UnlatchMetricsOptions {
  /** The pending outbox per kind, read at scrape time (absent: no outbox gauges). */
  outbox?: () => Promise<OutboxKindBacklog[]>;
  /** For the oldest message's age (the app's clock). */
  now?: () => Date;
  /** `unlatch_build_info`'s version label. */
  version?: string;
  /** Node's default process metrics (off in tests that build several registries). */
  defaultMetrics?: boolean;
  /** `metrics.helpdeskTicketCost`: shown per tenant as `unlatch_helpdesk_ticket_cost`. */
  helpdeskTicketCost?: TicketCost;
  /** Configured tenant ids (labels of the ticket cost). */
  tenants?: readonly string[];
}

const KINDS: ReadonlySet<string> = new Set(METHOD_KINDS);

/**
 * The SSPR SLIs as Prometheus metrics. Labels are small fixed sets (tenant, outcome, reason codes):
 * never an identifier, address or anything a caller can make unbounded.
 */
export class UnlatchMetrics implements FlowObserver, OutboxWorkerEvents {
  readonly registry = new Registry();
  /** SLIs M3 (fraud labels) and M8 (friction ratings): `fraud-metrics.ts`. */
  readonly fraud = new FraudMetrics(this.registry);
  private readonly resets: Counter<'tenant' | 'stage' | 'outcome' | 'reason'>;
  private readonly resetDuration: Histogram<'tenant'>;
  private readonly messages: Counter<'channel' | 'template' | 'outcome' | 'reason'>;
  private readonly rateLimited: Counter<'tenant' | 'event' | 'bucket'>;
  private readonly changes: Counter<'tenant' | 'outcome' | 'reason'>;
  private readonly smsAttempts: Counter<'provider' | 'outcome' | 'reason'>;
  private readonly directoryErrors: Counter<'tenant' | 'directory' | 'reason'>;
  private readonly methodEvents: Counter<'tenant' | 'method' | 'event' | 'outcome'>;
  private readonly signInChecks: Counter<'tenant' | 'outcome'>;
  private readonly unlocks: Counter<'tenant' | 'outcome'>;
  private readonly rateLimitFallbacks: Counter<'store'>;
  private readonly suspicious: Counter<'tenant' | 'reason'>;
  private readonly helpdesk: HelpdeskMetrics;
  /** Canary accounts' resets and messages (the synthetic check), apart from the user-facing SLIs. */
  private readonly canary: CanaryMetrics;
  /** HTTP request durations (the server's onResponse hook). */
  /** Post-reset hook deliveries (`unlatch_hook_deliveries_total`). */
  readonly hooks: HookMetrics;
  readonly http: HttpMetrics;
  /** Directory call latency (each configured directory is wrapped with `directories.wrap`). */
  readonly directories: DirectoryMetrics;

  constructor(options: UnlatchMetricsOptions = {}) {
    const registers = [this.registry];
    registerProcessMetrics(this.registry, { version: options.version ?? 'unknown', defaultMetrics: options.defaultMetrics });
    this.http = new HttpMetrics(this.registry);
    this.hooks = new HookMetrics(this.registry);
    this.directories = new DirectoryMetrics(this.registry);
    this.canary = new CanaryMetrics(this.registry);
    this.helpdesk = new HelpdeskMetrics(this.registry, { ticketCost: options.helpdeskTicketCost, tenants: options.tenants ?? [] });
    if (options.outbox) registerOutboxGauges(this.registry, { read: options.outbox, now: options.now ?? (() => new Date()) });
    this.resets = new Counter({
      name: 'unlatch_reset_events_total',
      help: 'Reset flow steps by stage (started, verified, completed, failed) and outcome; reason names why a step failed, or for verified the method proven.',
      labelNames: ['tenant', 'stage', 'outcome', 'reason'],
      registers,
    });
    this.resetDuration = new Histogram({
      name: 'unlatch_reset_duration_seconds',
      help: 'Time from starting a reset to the new password being set (SLI M2, time-to-reset).',
      labelNames: ['tenant'],
      buckets: [10, 30, 60, 120, 300, 600, 900, 1800],
      registers,
    });
    this.messages = new Counter({
      name: 'unlatch_messages_total',
      help: 'Outbox deliveries by channel, template and outcome (sent, retry, dead) (SLI M5, delivery rate).',
      labelNames: ['channel', 'template', 'outcome', 'reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'unlatch_rate_limited_total',
      help: 'Requests refused by a rate limit, by the bucket that was exhausted (SLI M6).',
      labelNames: ['tenant', 'event', 'bucket'],
      registers,
    });
    this.changes = new Counter({
      name: 'unlatch_password_changes_total',
      help: 'Password changes by outcome.',
      labelNames: ['tenant', 'outcome', 'reason'],
      registers,
    });
    this.smsAttempts = new Counter({
      name: 'unlatch_sms_attempts_total',
      help: 'SMS provider calls by provider and outcome (sent, transient_failure → failover, permanent_failure).',
      labelNames: ['provider', 'outcome', 'reason'],
      registers,
    });
    this.methodEvents = new Counter({
      name: 'unlatch_method_events_total',
      help: 'Verification methods by kind: registration (registration_started, added, confirm_failed, removed, remove_refused, backup_codes_generated) and reset proofs (verified, failed).',
      labelNames: ['tenant', 'method', 'event', 'outcome'],
      registers,
    });
    this.directoryErrors = new Counter({
      name: 'unlatch_directory_errors_total',
      help: 'Directory operations that failed, by tenant and configured directory name; reason unavailable (unreachable, timeout, TLS) or internal (e.g. the service account lacks a right).',
      labelNames: ['tenant', 'directory', 'reason'],
      registers,
    });
    this.signInChecks = new Counter({
      name: 'unlatch_post_reset_signin_total',
      help: 'After an LDAP/AD write: did signing in with the new password work (within the retries for replication)? SLI M10, post-reset login success.',
      labelNames: ['tenant', 'outcome'],
      registers,
    });
    this.unlocks = new Counter({
      name: 'unlatch_unlocks_total',
      help: 'Accounts unlocked by their owner after proving who they are (no new password).',
      labelNames: ['tenant', 'outcome'],
      registers,
    });
    this.rateLimitFallbacks = new Counter({
      name: 'unlatch_rate_limit_fallback_total',
      help: 'Rate-limit operations answered from one node\'s memory because the shared store (redis, postgres) failed: limits were per node meanwhile.',
      labelNames: ['store'],
      registers,
    });
    this.suspicious = new Counter({
      name: 'unlatch_suspicious_attempts_total',
      help: 'Attempts that were answered like any other but are suspicious, by reason (service_account: a reset, change or sign-in attempted on a privileged or service account).',
      labelNames: ['tenant', 'reason'],
      registers,
    });
  }

  observe(event: AuditEvent, labels: FlowObservation): void {
    if (labels.suspicious !== undefined) this.suspicious.inc({ tenant: labels.tenantId, reason: labels.suspicious });
    // A canary's flow (the synthetic check) has its own series; the SLIs are about people.
    if (labels.canary === true) return this.canary.observe(event, labels);
    const tenant = labels.tenantId;
    const reason = labels.reason ?? '';
    switch (event) {
      case 'reset.started':
        this.resets.inc({ tenant, stage: 'started', outcome: labels.outcome, reason });
        break;
      case 'reset.code_verified':
        this.resets.inc({ tenant, stage: 'verified', outcome: 'success', reason });
        break;
      case 'reset.code_failed':
      case 'reset.attempts_exceeded':
      case 'reset.password_rejected':
        this.resets.inc({ tenant, stage: 'failed', outcome: 'failure', reason });
        break;
      case 'reset.directory_unavailable':
        this.resets.inc({ tenant, stage: 'failed', outcome: 'failure', reason: 'directory_unavailable' });
        break;
      case 'reset.sign_in_checked':
        this.signInChecks.inc({ tenant, outcome: labels.outcome });
        break;
      case 'account.unlocked':
        this.unlocks.inc({ tenant, outcome: labels.outcome });
        break;
      case 'reset.completed':
        this.resets.inc({ tenant, stage: 'completed', outcome: 'success', reason });
        if (labels.durationSeconds !== undefined) this.resetDuration.observe({ tenant }, labels.durationSeconds);
        break;
      case 'reset.rate_limited':
      case 'password.change_rate_limited':
        this.rateLimited.inc({ tenant, event, bucket: reason });
        break;
      case 'password.changed':
      case 'password.change_failed':
      case 'password.change_rejected':
        this.changes.inc({ tenant, outcome: labels.outcome, reason });
        break;
      default:
        break;
    }
  }

  /**
   * Counts method events from committed audit entries (`store.onAuditCommit`): what really happened, for every
   * method, without each registration class needing its own observer. Kinds outside the known set are ignored,
   * so labels stay bounded.
   */
  auditCommitted(entries: readonly AuditEntryInput[]): void {
    for (const entry of entries) {
      const details = entry.details ?? {};
      // Canary flows (the synthetic check) are not people's: kept out of the method and deflection figures.
      if (details.canary === true) continue;
      this.helpdesk.auditCommitted(entry);
      this.fraud.auditCommitted(entry);
      if (entry.event.startsWith('method.')) {
        const kind = String(details.kind ?? '');
        if (KINDS.has(kind)) this.methodEvents.inc({ tenant: entry.tenantId, method: kind, event: entry.event.slice('method.'.length), outcome: entry.outcome });
      } else if (entry.event === 'reset.code_verified' || entry.event === 'reset.code_failed' || entry.event === 'reset.attempts_exceeded') {
        const method = String(details.method ?? 'email_code');
        if (KINDS.has(method)) this.methodEvents.inc({ tenant: entry.tenantId, method, event: entry.event === 'reset.code_verified' ? 'verified' : 'failed', outcome: entry.outcome });
      }
    }
  }

  /** A directory could not do its part (the directory router's failure report). Names are configured, so bounded. */
  directoryError(tenant: string, directory: string, reason: 'unavailable' | 'internal'): void {
    this.directoryErrors.inc({ tenant, directory, reason });
  }

  /** A rate-limit operation fell back to per-node memory (the limiter's `fallback` event). */
  rateLimitFallback(store: 'redis' | 'postgres'): void {
    this.rateLimitFallbacks.inc({ store });
  }

  /** One call to an SMS provider (the sender's failover observer). */
  smsAttempt(provider: string, outcome: string, reason: string | undefined): void {
    this.smsAttempts.inc({ provider, outcome, reason: reason ?? '' });
  }

  delivered(message: ClaimedMessage, outcome: 'sent' | 'retry' | 'dead', reason?: string): void {
    // A canary flow's mail (marked `canary: 1` when it was queued) is the synthetic check's, not a person's delivery.
    if (message.data.canary === 1) return this.canary.delivered(message.channel, message.template, outcome);
    this.messages.inc({ channel: message.channel, template: message.template, outcome, reason: reason ?? '' });
    if (message.channel === 'hook') this.hooks.delivered(message, outcome);
  }
}
