import { Gauge, type Registry } from 'prom-client';
import type { OutboxKindBacklog } from './outbox-snapshot.js';

/** The agreed `kind` label of each outbox channel (dashboards and alert rules use these). */
const KIND_OF: Readonly<Record<string, string>> = { email: 'mail', sms: 'sms', audit: 'audit_sink', hook: 'hook' };
/** Kinds always reported (0 when nothing waits), so an alert on the backlog has a series before the first message. */
const KNOWN_KINDS = Object.values(KIND_OF);
const kindOf = (channel: string): string => KIND_OF[channel] ?? channel;

/**
 * `unlatch_outbox_backlog{kind}` and `unlatch_outbox_oldest_age_seconds{kind}`, read from the store at scrape
 * time, and `unlatch_store_up`: when the store cannot answer, the backlog gauges are left out (never a made-up
 * value) and `unlatch_store_up` is 0, so /metrics itself still answers.
 */
export function registerOutboxGauges(registry: Registry, options: { read: () => Promise<OutboxKindBacklog[]>; now: () => Date }): void {
  // The registry collects all gauges of one scrape at once: they share the read in flight, and the next scrape reads anew.
  let inFlight: Promise<OutboxKindBacklog[] | null> | null = null;
  const snapshot = (): Promise<OutboxKindBacklog[] | null> => {
    inFlight ??= options.read().catch(() => null).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const registers = [registry];
  new Gauge({
    name: 'unlatch_outbox_backlog',
    help: 'Messages waiting in the outbox by kind (mail, sms, audit_sink, hook); a growing backlog means a mail server, SMS provider, audit sink or post-reset hook is not accepting. Absent while the store is down (see unlatch_store_up).',
    labelNames: ['kind'],
    registers,
    async collect() {
      this.reset();
      const rows = await snapshot();
      if (!rows) return;
      for (const kind of KNOWN_KINDS) this.set({ kind }, 0);
      for (const row of rows) this.set({ kind: kindOf(row.kind) }, row.pending);
    },
  });
  new Gauge({
    name: 'unlatch_outbox_oldest_age_seconds',
    help: 'Age of the oldest message waiting in the outbox by kind; 0 when none waits. Absent while the store is down.',
    labelNames: ['kind'],
    registers,
    async collect() {
      this.reset();
      const rows = await snapshot();
      if (!rows) return;
      const now = options.now().getTime();
      for (const kind of KNOWN_KINDS) this.set({ kind }, 0);
      for (const row of rows) this.set({ kind: kindOf(row.kind) }, row.oldestCreatedAt === null ? 0 : Math.max(0, (now - row.oldestCreatedAt) / 1000));
    },
  });
  new Gauge({
    name: 'unlatch_store_up',
    help: '1 when the database answered the last scrape\'s outbox query, 0 when it did not (the outbox gauges are then absent).',
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
}
