import { canonicalJson } from '../audit/audit-hash.js';
import type { AuditRecord } from '../ports/audit-query.js';

/** The CSV export's columns, in order (also its header row). */
export const AUDIT_CSV_COLUMNS = [
  'seq', 'id', 'at', 'tenant', 'event', 'outcome', 'actor', 'subject', 'flow', 'ip', 'user_agent', 'correlation_id',
  'details', 'chain', 'chain_seq', 'prev_hash', 'hash',
] as const;

/** Options for {@link auditCsv}. */
export interface AuditCsvOptions {
  /** Start with a UTF-8 byte order mark, so spreadsheet programs read non-ASCII text right (default false). */
  bom?: boolean;
}

/**
 * Audit entries as CSV (RFC 4180): a header row, then one record per entry, CRLF line ends, fields quoted
 * when they hold a comma, quote, CR or LF (quotes doubled). Safe to open in a spreadsheet: a field starting
 * with `=`, `+`, `-`, `@`, tab or CR (or their full-width forms) gets a leading apostrophe, so it is shown as
 * text and never run as a formula (OWASP "CSV injection"). Times are ISO 8601 UTC, details canonical JSON.
 * Yields one string per record, as the entries arrive: memory stays flat for any export.
 */
export async function* auditCsv(records: AsyncIterable<AuditRecord>, options: AuditCsvOptions = {}): AsyncGenerator<string> {
  yield (options.bom ? '\uFEFF' : '') + csvRecord(AUDIT_CSV_COLUMNS);
  for await (const record of records) yield csvRecord(csvFieldsOf(record));
}

/** Audit entries as JSON lines: one JSON object per line (LF), time as ISO 8601, details as an object. */
export async function* auditJsonLines(records: AsyncIterable<AuditRecord>): AsyncGenerator<string> {
  for await (const record of records) yield `${JSON.stringify(jsonOf(record))}\n`;
}

/** One entry as the JSON-lines export writes it (keys in a fixed order). */
export function jsonOf(record: AuditRecord): Record<string, unknown> {
  return {
    seq: record.seq,
    id: record.id,
    at: record.at.toISOString(),
    tenantId: record.tenantId,
    event: record.event,
    outcome: record.outcome,
    actor: record.actor,
    subjectId: record.subjectId,
    flowId: record.flowId,
    ip: record.ip,
    userAgent: record.userAgent,
    correlationId: record.correlationId,
    details: record.details,
    chain: record.chain,
    chainSeq: record.chainSeq,
    prevHash: record.prevHash,
    hash: record.hash,
  };
}

function csvFieldsOf(record: AuditRecord): Array<string | number | null> {
  return [
    record.seq, record.id, record.at.toISOString(), record.tenantId, record.event, record.outcome, record.actor, record.subjectId,
    record.flowId, record.ip, record.userAgent, record.correlationId, canonicalJson(record.details), record.chain, record.chainSeq,
    record.prevHash, record.hash,
  ];
}

/** One CSV record with its CRLF. */
export function csvRecord(fields: ReadonlyArray<string | number | null | undefined>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** Characters that make a spreadsheet read a cell as a formula (ASCII and full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** One field: neutralized when a spreadsheet would run it, quoted when RFC 4180 asks. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
