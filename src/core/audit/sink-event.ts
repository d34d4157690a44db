import { createHmac } from 'node:crypto';

/** An exported audit entry as the outbox carries it (the audit row's fields plus its chain hashes). */
export interface ExportedAuditEntry {
  seq: number;
  id: string;
  at: number;
  tenantId: string;
  event: string;
  outcome: string;
  actor: string;
  [field: string]: unknown;
}

/** Reads the fields every sink needs; anything missing is a programming error, not a delivery failure. */
export function exportedEntryOf(data: Record<string, unknown>): ExportedAuditEntry {
  const { seq, id, at, tenantId, event, outcome, actor } = data;
  if (typeof seq !== 'number' || typeof id !== 'string' || typeof at !== 'number' || typeof tenantId !== 'string' || typeof event !== 'string' || typeof outcome !== 'string' || typeof actor !== 'string') {
    throw new TypeError('not an exported audit entry');
  }
  return data as ExportedAuditEntry;
}

/**
 * The entry as a CloudEvents 1.0 structured-mode event. `id` is the audit sequence number, stable across
 * redeliveries, so receivers de-duplicate on (`source`, `id`); `sequence` (the CloudEvents sequence extension)
 * is the same number as a string.
 */
export function toCloudEvent(entry: ExportedAuditEntry, source: string): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: String(entry.seq),
    source,
    type: `io.unlatch.audit.${entry.event}`,
    subject: entry.tenantId,
    time: new Date(entry.at).toISOString(),
    datacontenttype: 'application/json',
    sequence: String(entry.seq),
    data: entry,
  };
}

/** One webhook signing key. */
export interface SigningKey {
  id: string;
  secret: string;
}

/**
 * The `X-Unlatch-Signature` value: `t=<unix seconds>,k=<key id>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The timestamp is signed too, so a receiver can refuse old replays.
 */
export function webhookSignature(key: SigningKey, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', key.secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},k=${key.id},v1=${mac}`;
}
