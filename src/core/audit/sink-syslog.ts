import type { ExportedAuditEntry } from './sink-event.js';

/**
 * Our SD-ID. 32473 is the private enterprise number IANA reserves for examples (RFC 5612); a site that
 * has its own number can map it in the collector.
 */
export const SYSLOG_SD_ID = 'unlatch@32473';

/** Fields carried as structured-data parameters (the full entry is also the message, as JSON). */
const SD_FIELDS: ReadonlyArray<[string, string]> = [
  ['seq', 'seq'],
  ['id', 'id'],
  ['tenant', 'tenantId'],
  ['event', 'event'],
  ['outcome', 'outcome'],
  ['actor', 'actor'],
  ['subject', 'subjectId'],
  ['flow', 'flowId'],
  ['ip', 'ip'],
  ['ua', 'userAgent'],
  ['correlation', 'correlationId'],
  ['chain', 'chain'],
  ['hash', 'hash'],
];

/** Where the message comes from, for the header. */
export interface SyslogOrigin {
  facility: number;
  hostname: string;
  appName: string;
  procId: string;
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped with a backslash inside PARAM-VALUE. */
export function escapeSdValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** A header field: printable US-ASCII without spaces, or `-` when empty (RFC 5424 §6.2). */
function headerField(value: string, max: number): string {
  const clean = value.replace(/[^!-~]/g, '').slice(0, max);
  return clean === '' ? '-' : clean;
}

/** Failures and denials are warnings (4); everything else is a notice (5). */
function severityOf(outcome: string): number {
  return outcome === 'success' ? 5 : 4;
}

/** One RFC 5424 message: header, one SD element with the entry's key fields, the entry as JSON (UTF-8, with BOM). */
export function formatSyslog(entry: ExportedAuditEntry, origin: SyslogOrigin): string {
  const pri = origin.facility * 8 + severityOf(entry.outcome);
  const params = SD_FIELDS.flatMap(([name, field]) => {
    const value = entry[field];
    if (value === null || value === undefined) return [];
    return [`${name}="${escapeSdValue(String(value))}"`];
  });
  const header = [
    `<${pri}>1`,
    new Date(entry.at).toISOString(),
    headerField(origin.hostname, 255),
    headerField(origin.appName, 48),
    headerField(origin.procId, 128),
    headerField(entry.event, 32),
  ].join(' ');
  return `${header} [${SYSLOG_SD_ID} ${params.join(' ')}] \uFEFF${JSON.stringify(entry)}`;
}

/** RFC 5425 / RFC 6587 octet counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function octetCountingFrame(message: string): string {
  return `${Buffer.byteLength(message, 'utf8')} ${message}`;
}
