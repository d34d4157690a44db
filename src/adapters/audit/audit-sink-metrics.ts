import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuditSinkEvents } from './audit-sink-set.js';

/**
 * SLI M7 for audit streams: `unlatch_audit_sink_delivered_total{sink}`, `unlatch_audit_sink_failures_total{sink}`
 * and `unlatch_audit_sink_lag_seconds{sink}` (age of the oldest entry still queued for the sink, read on scrape).
 * `sink` is a configured name, so the label stays a small fixed set.
 */
export class AuditSinkMetrics implements AuditSinkEvents {
  private readonly deliveredTotal: Counter<'sink'>;
  private readonly failuresTotal: Counter<'sink'>;

  constructor(registry: Registry, lag: () => Promise<Map<string, number>>) {
    const registers = [registry];
    this.deliveredTotal = new Counter({ name: 'unlatch_audit_sink_delivered_total', help: 'Audit entries written to each SIEM sink.', labelNames: ['sink'], registers });
    this.failuresTotal = new Counter({ name: 'unlatch_audit_sink_failures_total', help: 'Failed attempts to write an audit entry to each SIEM sink (each is retried).', labelNames: ['sink'], registers });
    new Gauge({
      name: 'unlatch_audit_sink_lag_seconds',
      help: 'Age in seconds of the oldest audit entry not yet written to each sink (0 when the sink is caught up).',
      labelNames: ['sink'],
      registers,
      async collect() {
        for (const [sink, seconds] of await lag()) this.set({ sink }, seconds);
      },
    });
  }

  delivered(sink: string): void {
    this.deliveredTotal.inc({ sink });
  }

  failed(sink: string): void {
    this.failuresTotal.inc({ sink });
  }
}
