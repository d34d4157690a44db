import { createHash } from 'node:crypto';

/** The fields an audit entry's hash covers, in a fixed order. */
export interface HashedAuditFields {
  /** Global number: the row's key and the export's idempotency key. Unique, increasing, may have gaps. */
  seq: number;
  /** Which of the parallel hash chains holds the entry (0 … 63). */
  chain: number;
  /** Position in its chain: 1, 2, 3, … without gaps. */
  chainSeq: number;
  id: string;
  at: number;
  tenantId: string;
  event: string;
  outcome: string;
  actor: string;
  subjectId: string | null;
  flowId: string | null;
  ip: string | null;
  userAgent: string | null;
  correlationId: string | null;
  /** Canonical JSON text of the details object, as stored. */
  details: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** How many chains `audit_head` has rows for (migration 0011); `audit.chains` picks among the first K. */
export const MAX_AUDIT_CHAINS = 64;

/**
 * hash = SHA-256(prev_hash || "\n" || canonical JSON of the fields). Each entry holds its predecessor's hash
 * in the same chain, so changing, removing or reordering any entry breaks every hash after it. The chain and
 * the position in it are hashed too (tagged "v2"), so an entry cannot be moved to another chain.
 */
export function auditEntryHash(prevHash: string, fields: HashedAuditFields): string {
  return sha256(prevHash, [
    'v2', fields.chain, fields.chainSeq, fields.seq, fields.id, fields.at, fields.tenantId, fields.event, fields.outcome,
    fields.actor, fields.subjectId, fields.flowId, fields.ip, fields.userAgent, fields.correlationId, fields.details,
  ]);
}

/**
 * The formula of entries written before there were several chains (all in chain 0, `chainSeq` = `seq`).
 * Only the verifier uses it, and only for the leading run of chain 0.
 */
export function legacyAuditEntryHash(prevHash: string, fields: HashedAuditFields): string {
  return sha256(prevHash, [
    fields.seq, fields.id, fields.at, fields.tenantId, fields.event, fields.outcome, fields.actor,
    fields.subjectId, fields.flowId, fields.ip, fields.userAgent, fields.correlationId, fields.details,
  ]);
}

function sha256(prevHash: string, values: readonly unknown[]): string {
  return createHash('sha256').update(prevHash).update('\n').update(JSON.stringify(values)).digest('hex');
}

/** JSON with object keys sorted, so the same details always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export interface StoredAuditEntry extends HashedAuditFields {
  prevHash: string;
  hash: string;
}
