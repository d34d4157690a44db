/**
 * Outbox keys of exported audit entries: one row per entry and sink, `audit:<sink>:<seq, 16 digits>`. The
 * zero-padded number makes the keys of one sink sort in entry order, which is how delivery keeps each
 * sink in order (a row waits while an earlier row of its sink is pending). Rows queued before sinks were a
 * list carry `audit:<seq>` and go to the sink `LEGACY_AUDIT_SINK` (the former `audit.exportFile`).
 */
export const LEGACY_AUDIT_SINK = 'file';

const DIGITS = 16;

/** The outbox key of entry `seq` for `sink`. */
export function auditSinkKey(sink: string, seq: number): string {
  return `${auditSinkKeyPrefix(sink)}${String(seq).padStart(DIGITS, '0')}`;
}

/** What every key of `sink` starts with (for a prefix range query). */
export function auditSinkKeyPrefix(sink: string): string {
  return `audit:${sink}:`;
}

/** The sink a queued row is for: its `to`, or the legacy file sink for rows from before the list. */
export function auditSinkOfRow(to: string): string {
  return to === '' ? LEGACY_AUDIT_SINK : to;
}
