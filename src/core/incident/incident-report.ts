import type { IncidentPersonRecord } from './incident-store.js';

/** The report's columns, in order. */
export const REPORT_COLUMNS = ['seq', 'identifier', 'subject_id', 'state', 'reason', 'notes', 'updated_at'] as const;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-`, `@`, tab or CR gets a
 * `'` first, so a spreadsheet does not run an identifier someone chose as a formula.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One report row as CSV (CRLF-terminated, RFC 4180). */
export function reportCsvLine(row: IncidentPersonRecord): string {
  return `${[String(row.seq), row.identifier, row.subjectId ?? '', row.state, row.reason ?? '', row.notes ?? '', row.updatedAt.toISOString()].map(csvCell).join(',')}\r\n`;
}

export function reportCsvHeader(): string {
  return `${REPORT_COLUMNS.join(',')}\r\n`;
}

/** One report row as a JSON object. */
export function reportJson(row: IncidentPersonRecord): Record<string, unknown> {
  return { seq: row.seq, identifier: row.identifier, subjectId: row.subjectId, state: row.state, reason: row.reason, notes: row.notes, updatedAt: row.updatedAt.toISOString() };
}
