import { Counter, type Registry } from 'prom-client';
import type { ClaimedMessage } from '../store/outbox-repository.js';

/** The worker's outcome of one attempt, as the hook metric names it. */
const OUTCOME = { sent: 'delivered', retry: 'retry', dead: 'failed' } as const;

/**
 * `unlatch_hook_deliveries_total{hook,preset,outcome}`: post-reset hook attempts by outcome (`delivered`,
 * `retry` — failed, will be tried again — and `failed`: given up, audited as `hook.failed`). The backlog
 * of hooks is `unlatch_outbox_backlog{kind="hook"}`. Hook names come from the configuration, so labels stay bounded.
 */
export class HookMetrics {
  private readonly deliveries: Counter<'hook' | 'preset' | 'outcome'>;

  constructor(registry: Registry) {
    this.deliveries = new Counter({
      name: 'unlatch_hook_deliveries_total',
      help: 'Post-reset hook deliveries by hook, preset and outcome (delivered; retry: failed, will be retried; failed: given up after its retries, audited as hook.failed).',
      labelNames: ['hook', 'preset', 'outcome'],
      registers: [registry],
    });
  }

  /** Every configured hook has its series from the start (0), so an alert on failures has something to watch. */
  configured(hooks: ReadonlyArray<{ name: string; type: string }>): void {
    for (const hook of hooks) for (const outcome of Object.values(OUTCOME)) this.deliveries.inc({ hook: hook.name, preset: hook.type, outcome }, 0);
  }

  /** One settled attempt of a `hook` row (the worker's report). */
  delivered(message: ClaimedMessage, outcome: 'sent' | 'retry' | 'dead'): void {
    this.deliveries.inc({ hook: message.to, preset: String(message.data.preset ?? 'unknown'), outcome: OUTCOME[outcome] });
  }
}
