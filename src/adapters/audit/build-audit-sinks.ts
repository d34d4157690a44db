import type { Kysely } from 'kysely';
import type { AuditSinkConfig } from '../../config/audit-sinks-schema.js';
import type { Database } from '../store/schema.js';
import type { AuditExport } from '../store/audit-appender.js';
import type { Sealer } from '../../core/crypto/sealer.js';
import { AuditSinkSet, type AuditSinkEvents } from './audit-sink-set.js';
import { JsonlFileSink, type AuditExportSink } from './jsonl-file-sink.js';
import { SyslogSink } from './syslog-sink.js';
import { WebhookSink } from './webhook-sink.js';

/** One sink from its configuration. */
export function auditSinkOf(config: AuditSinkConfig): AuditExportSink {
  switch (config.type) {
    case 'jsonl':
      return new JsonlFileSink(config.path);
    case 'syslog':
      return new SyslogSink(config);
    case 'webhook':
      return new WebhookSink(config);
  }
}

/** The configured sinks behind one delivery set; null when none is configured (nothing is queued then). */
export function buildAuditSinks(configs: readonly AuditSinkConfig[], deps: { db: Kysely<Database>; events: AuditSinkEvents; now: () => number }): AuditSinkSet | null {
  if (configs.length === 0) return null;
  return new AuditSinkSet({ ...deps, sinks: new Map(configs.map((c) => [c.name, auditSinkOf(c)])) });
}

/** What the store needs to queue exported entries: one row per configured sink; null when there is none. */
export function auditExportOf(sinks: readonly AuditSinkConfig[], sealer: Sealer): AuditExport | null {
  return sinks.length === 0 ? null : { sealer, sinks: sinks.map((sink) => sink.name) };
}
