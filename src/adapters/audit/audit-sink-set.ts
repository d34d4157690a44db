import { sql, type Kysely } from 'kysely';
import { LEGACY_AUDIT_SINK, auditSinkKeyPrefix, auditSinkOfRow } from '../../core/audit/sink-keys.js';
import type { Database } from '../store/schema.js';
import type { AuditExportSink } from './jsonl-file-sink.js';

/** Counts per sink, for the `unlatch_audit_sink_*` metrics. */
export interface AuditSinkEvents {
  delivered(sink: string): void;
  failed(sink: string): void;
}

/** An exported entry's row as the outbox worker hands it over. */
export interface AuditRow {
  id: string;
  to: string;
  data: Record<string, unknown>;
}

/** How one row went: written, or held back until an earlier row of its sink has gone (no attempt used). */
export type AuditDelivery = { kind: 'sent' } | { kind: 'waiting'; until: number };

/** A configured sink that no longer exists (its rows stay queued until it is configured again). */
export class UnknownAuditSinkError extends Error {
  constructor(readonly sink: string) {
    super(`audit sink "${sink}" is not configured`);
    this.name = 'UnknownAuditSinkError';
  }
}

/**
 * Delivers exported audit entries to their sinks, each sink in entry order: a row is written only when no
 * earlier row of its sink is still pending (queued, retrying or being sent by another node). A sink that
 * fails throws; the outbox retries the row with exponential backoff and never gives it up.
 */
export class AuditSinkSet {
  constructor(
    private readonly deps: {
      db: Kysely<Database>;
      sinks: ReadonlyMap<string, AuditExportSink>;
      events: AuditSinkEvents;
      now: () => number;
    },
  ) {}

  /** The sink names, for queuing one row per sink. */
  get names(): string[] {
    return [...this.deps.sinks.keys()];
  }

  async deliver(row: AuditRow): Promise<AuditDelivery> {
    const name = auditSinkOfRow(row.to);
    const sink = this.deps.sinks.get(name);
    if (!sink) throw new UnknownAuditSinkError(name);
    const earlier = name === LEGACY_AUDIT_SINK && row.to === '' ? undefined : await this.earlierPending(name, row.id);
    if (earlier !== undefined) return { kind: 'waiting', until: Math.max(earlier, this.deps.now()) };
    try {
      await sink.write(row.data);
    } catch (error) {
      this.deps.events.failed(name);
      throw error;
    }
    this.deps.events.delivered(name);
    return { kind: 'sent' };
  }

  /** When the earliest pending row of `sink` before `key` is next due, or undefined when there is none. */
  private async earlierPending(sink: string, key: string): Promise<number | undefined> {
    const prefix = auditSinkKeyPrefix(sink);
    const row = await this.deps.db
      .selectFrom('outbox')
      .select('next_attempt_at')
      .where('channel', '=', 'audit')
      .where('status', '=', 'pending')
      .where('idempotency_key', '>=', prefix)
      .where('idempotency_key', '<', key)
      .where(ofSink(prefix))
      .orderBy('idempotency_key')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.next_attempt_at) : undefined;
  }

  /** Seconds since the oldest entry still queued for each sink was written (0 when none), for the lag gauge. */
  async lagSeconds(): Promise<Map<string, number>> {
    const now = this.deps.now();
    const lags = new Map<string, number>();
    for (const name of this.deps.sinks.keys()) {
      const prefix = auditSinkKeyPrefix(name);
      const row = await this.deps.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.min('created_at').as('oldest'))
        .where('channel', '=', 'audit')
        .where('status', '=', 'pending')
        .where(ofSink(prefix))
        .executeTakeFirst();
      const oldest = row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest);
      lags.set(name, oldest === null ? 0 : Math.max(0, (now - oldest) / 1000));
    }
    return lags;
  }

  /** Closes the sinks' connections. */
  async close(): Promise<void> {
    for (const sink of this.deps.sinks.values()) await (sink as { close?: () => unknown }).close?.();
  }
}

/**
 * Rows of one sink only. Compared as a substring, not by range or LIKE: a database collation may order
 * punctuation differently, and `_` (allowed in names) is a LIKE wildcard. Within one prefix the 16-digit
 * numbers compare the same in every collation, which is all the `<` above relies on.
 */
function ofSink(prefix: string) {
  return sql<boolean>`substr(idempotency_key, 1, ${prefix.length}) = ${prefix}`;
}
