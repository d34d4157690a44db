import { GENESIS_HASH, type StoredAuditEntry } from './audit-hash.js';
import { AuditChainVerifier, chainsDigest, type ChainBreak } from './chain-verifier.js';

/** Where the entries and the heads come from (`SqlAuditReader`: the CLI and the console's background verification). */
export interface AuditSource {
  /** Every chain's head row (`seq` is the chain position of its last entry), by chain number. */
  heads(): Promise<ReadonlyMap<number, { seq: number; hash: string }>>;
  /** Every entry, each chain's in `chainSeq` order. */
  entries(): AsyncIterable<StoredAuditEntry>;
}

export type AuditVerification =
  /** `chains` counts the chains that hold entries; `digest` covers each one's length and last hash. */
  | { ok: true; entries: number; chains: number; digest: string }
  /** `chain`/`seq` name the first entry that is wrong or missing; null when the head rows themselves are missing. */
  | { ok: false; chain: number | null; seq: number | null; reason: string };

const REASONS: Record<Exclude<ChainBreak, 'sequence_gap'>, string> = {
  hash_mismatch: 'hash mismatch: the entry was changed or moved after it was written',
  prev_hash_mismatch: 'prev_hash mismatch: the entry does not follow the one before it',
  unknown_chain: 'the entry names a chain that does not exist',
};
const MISSING_HEADS = { ok: false, chain: null, seq: null, reason: 'the audit_head rows are missing' } as const;
const HEAD_DIFFERS = 'hash differs from the one recorded in audit_head';

/**
 * Recomputes every chain, then holds each against its `audit_head` row, which catches what a chain alone
 * cannot: entries cut off its end. The heads are read before the entries and again after them, so entries
 * that the running server appends meanwhile are neither reported as truncation nor as forged. Global `seq`
 * may have gaps (a rolled-back transaction on PostgreSQL); each chain's `chainSeq` may not.
 */
export async function verifyAuditLog(source: AuditSource): Promise<AuditVerification> {
  const headsBefore = await source.heads();
  if (headsBefore.size === 0) return MISSING_HEADS;

  const verifier = new AuditChainVerifier();
  // Each chain's hash at the position its head recorded before the walk.
  const hashAtHead = new Map<number, string>();
  for (const [chain, head] of headsBefore) if (head.seq === 0) hashAtHead.set(chain, GENESIS_HASH);
  for await (const entry of source.entries()) {
    const head = headsBefore.get(entry.chain);
    if (!head) return { ok: false, chain: entry.chain, seq: entry.chainSeq, reason: `audit_head has no row for chain ${entry.chain}` };
    if (!verifier.feed(entry)) break;
    if (entry.chainSeq === head.seq) hashAtHead.set(entry.chain, entry.hash);
  }
  const verdict = verifier.verdict();
  if (!verdict.ok) {
    const reason = verdict.reason === 'sequence_gap' ? `sequence gap: entry seq ${verdict.chainEntries + 1} is missing` : REASONS[verdict.reason];
    return { ok: false, chain: verdict.chain, seq: verdict.brokenAtSeq, reason };
  }

  for (const [chain, head] of headsBefore) {
    const count = verdict.chains.get(chain)?.entries ?? 0;
    if (count < head.seq) {
      return { ok: false, chain, seq: count + 1, reason: `missing: the chain ends at seq ${count} but audit_head records seq ${head.seq}` };
    }
    if (hashAtHead.get(chain) !== head.hash) return { ok: false, chain, seq: head.seq, reason: HEAD_DIFFERS };
  }
  // Rows appended without moving the head did not come through the appender.
  const headsAfter = await source.heads();
  if (headsAfter.size === 0) return MISSING_HEADS;
  for (const [chain, state] of verdict.chains) {
    const head = headsAfter.get(chain);
    if (!head) return { ok: false, chain, seq: 1, reason: `audit_head has no row for chain ${chain}` };
    if (state.entries > head.seq) {
      return { ok: false, chain, seq: head.seq + 1, reason: `the entry is beyond the last one recorded in audit_head (seq ${head.seq})` };
    }
    if (state.entries === head.seq && state.headHash !== head.hash) return { ok: false, chain, seq: state.entries, reason: HEAD_DIFFERS };
  }
  return { ok: true, entries: verdict.entries, chains: verdict.chains.size, digest: chainsDigest(verdict.chains) };
}
