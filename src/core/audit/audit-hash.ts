import { createHash } from 'node:crypto';

/** The fields an audit entry's hash covers, in a fixed order. */
export interface HashedAuditFields {
  seq: number;
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

/**
 * hash = SHA-256(prev_hash || "\n" || canonical JSON of the fields). Each entry holds its predecessor's hash,
 * so changing, removing or reordering any entry breaks every hash after it.
 */
export function auditEntryHash(prevHash: string, fields: HashedAuditFields): string {
  const canonical = JSON.stringify([
    fields.seq, fields.id, fields.at, fields.tenantId, fields.event, fields.outcome, fields.actor,
    fields.subjectId, fields.flowId, fields.ip, fields.userAgent, fields.correlationId, fields.details,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
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

export type ChainVerdict =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; brokenAtSeq: number; reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' };

/** Walks entries in sequence order; names the first that does not follow from its predecessor. */
export class AuditChainVerifier {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  private count = 0;
  private failure: ChainVerdict | null = null;

  feed(entry: StoredAuditEntry): boolean {
    if (this.failure) return false;
    const fail = (reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap') => {
      this.failure = { ok: false, entries: this.count, brokenAtSeq: entry.seq, reason };
      return false;
    };
    if (entry.seq !== this.expectedSeq) return fail('sequence_gap');
    if (entry.prevHash !== this.prevHash) return fail('prev_hash_mismatch');
    if (auditEntryHash(entry.prevHash, entry) !== entry.hash) return fail('hash_mismatch');
    this.prevHash = entry.hash;
    this.expectedSeq += 1;
    this.count += 1;
    return true;
  }

  verdict(): ChainVerdict {
    return this.failure ?? { ok: true, entries: this.count, headHash: this.prevHash };
  }
}
