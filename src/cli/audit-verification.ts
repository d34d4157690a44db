import { AuditChainVerifier, GENESIS_HASH, type StoredAuditEntry } from '../core/audit/audit-hash.js';

/** Where the entries and the head come from (`SqlAuditReader` in the CLI). */
export interface AuditSource {
  head(): Promise<{ seq: number; hash: string } | null>;
  entries(): AsyncIterable<StoredAuditEntry>;
}

export type AuditVerification =
  | { ok: true; entries: number; headHash: string }
  /** `seq` is the first entry that is wrong or missing; null when the head row itself is missing. */
  | { ok: false; seq: number | null; reason: string };

const REASONS = {
  hash_mismatch: 'hash mismatch: the entry was changed after it was written',
  prev_hash_mismatch: 'prev_hash mismatch: the entry does not follow the one before it',
} as const;

/**
 * Recomputes the chain, then holds it against `audit_head`, which catches what the chain alone cannot:
 * entries cut off the end. The head is read before the entries and again after them, so entries that
 * the running server appends meanwhile are neither reported as truncation nor as forged.
 */
export async function verifyAuditLog(source: AuditSource): Promise<AuditVerification> {
  const headBefore = await source.head();
  if (!headBefore) return { ok: false, seq: null, reason: 'the audit_head row is missing' };

  const verifier = new AuditChainVerifier();
  let hashAtHead = headBefore.seq === 0 ? GENESIS_HASH : null;
  for await (const entry of source.entries()) {
    if (!verifier.feed(entry)) break;
    if (entry.seq === headBefore.seq) hashAtHead = entry.hash;
  }
  const verdict = verifier.verdict();
  if (!verdict.ok) {
    const reason =
      verdict.reason === 'sequence_gap'
        ? `sequence gap: entry seq ${verdict.entries + 1} is missing`
        : REASONS[verdict.reason];
    return { ok: false, seq: verdict.brokenAtSeq, reason };
  }

  const count = verdict.entries;
  if (count < headBefore.seq) {
    return { ok: false, seq: count + 1, reason: `missing: the log ends at seq ${count} but audit_head records seq ${headBefore.seq}` };
  }
  if (hashAtHead !== headBefore.hash) {
    return { ok: false, seq: headBefore.seq, reason: 'hash differs from the one recorded in audit_head' };
  }
  // Rows appended without moving the head did not come through the appender.
  const headAfter = await source.head();
  if (!headAfter) return { ok: false, seq: null, reason: 'the audit_head row is missing' };
  if (count > headAfter.seq) {
    return { ok: false, seq: headAfter.seq + 1, reason: `the entry is beyond the last one recorded in audit_head (seq ${headAfter.seq})` };
  }
  if (count === headAfter.seq && verdict.headHash !== headAfter.hash) {
    return { ok: false, seq: count, reason: 'hash differs from the one recorded in audit_head' };
  }
  return { ok: true, entries: count, headHash: verdict.headHash };
}
