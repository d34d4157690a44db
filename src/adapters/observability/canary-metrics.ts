import { Counter, type Registry } from 'prom-client';
import type { AuditEvent } from '../../core/ports/audit.js';
import type { FlowObservation } from '../../core/ports/flow-observer.js';

/** The stage a canary flow's event stands for; events outside the reset are not counted. */
const STAGES: Partial<Record<AuditEvent, string>> = {
  'reset.started': 'started',
  'reset.code_verified': 'verified',
  'reset.code_failed': 'failed',
  'reset.attempts_exceeded': 'failed',
  'reset.password_rejected': 'failed',
  'reset.directory_unavailable': 'failed',
  'reset.rate_limited': 'rate_limited',
  'reset.completed': 'completed',
  'reset.sign_in_checked': 'sign_in_checked',
  'account.unlocked': 'unlocked',
};

/**
 * The synthetic check's own series: resets of canary accounts (`tenants[].canaryAccounts`) and the messages
 * of those flows. They are counted here instead of in the user-facing SLIs (`unlatch_reset_events_total`,
 * `unlatch_reset_duration_seconds`, `unlatch_post_reset_signin_total`, `unlatch_messages_total`), so a probe
 * every few minutes neither props up nor drags down what people experience.
 */
export class CanaryMetrics {
  private readonly resets: Counter<'tenant' | 'stage' | 'outcome'>;
  private readonly messages: Counter<'channel' | 'template' | 'outcome'>;

  constructor(registry: Registry) {
    this.resets = new Counter({
      name: 'unlatch_canary_resets_total',
      help: 'Reset steps of canary accounts (the synthetic check) by stage (started, verified, failed, rate_limited, completed, sign_in_checked, unlocked) and outcome; kept out of unlatch_reset_events_total.',
      labelNames: ['tenant', 'stage', 'outcome'],
      registers: [registry],
    });
    this.messages = new Counter({
      name: 'unlatch_canary_messages_total',
      help: 'Outbox deliveries of canary flows (sent, retry, dead) by channel and template; kept out of unlatch_messages_total.',
      labelNames: ['channel', 'template', 'outcome'],
      registers: [registry],
    });
  }

  observe(event: AuditEvent, labels: FlowObservation): void {
    const stage = STAGES[event];
    if (stage) this.resets.inc({ tenant: labels.tenantId, stage, outcome: labels.outcome });
  }

  delivered(channel: string, template: string, outcome: string): void {
    this.messages.inc({ channel, template, outcome });
  }
}
