import { createHash } from 'node:crypto';
import { GENESIS_HASH, MAX_AUDIT_CHAINS, auditEntryHash, legacyAuditEntryHash, type StoredAuditEntry } from './audit-hash.js';

export type ChainBreak = 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'unknown_chain';

/** The state of one chain after its entries were fed: how many, and the hash of the last (genesis when none). */
export interface ChainState {
  entries: number;
  headHash: string;
}

export type ChainVerdict =
  | { ok: true; entries: number; chains: ReadonlyMap<number, ChainState> }
  /**
   * `brokenAtSeq` is the position (`chainSeq`) in `chain` of the first entry that does not follow;
   * `chainEntries` how many of that chain's entries were good before it.
   */
  | { ok: false; entries: number; chain: number; brokenAtSeq: number; chainEntries: number; reason: ChainBreak };

/**
 * Checks the audit log's parallel hash chains. Each chain's entries must arrive in `chainSeq` order; the
 * chains may be interleaved, or come one after another. Global `seq` order is not enough: within a chain it
 * need not follow `chainSeq` (numbers are drawn before the chain is locked). Names the first
 * entry that does not follow from its predecessor in its chain.
 */
export class AuditChainVerifier {
  private readonly chains = new Map<number, ChainState & { legacy: boolean }>();
  private count = 0;
  private failure: ChainVerdict | null = null;

  feed(entry: StoredAuditEntry): boolean {
    if (this.failure) return false;
    const state = this.chains.get(entry.chain) ?? { entries: 0, headHash: GENESIS_HASH, legacy: entry.chain === 0 };
    const fail = (reason: ChainBreak) => {
      this.failure = { ok: false, entries: this.count, chain: entry.chain, brokenAtSeq: entry.chainSeq, chainEntries: state.entries, reason };
      return false;
    };
    if (!Number.isInteger(entry.chain) || entry.chain < 0 || entry.chain >= MAX_AUDIT_CHAINS) return fail('unknown_chain');
    // Entries written before there were several chains use the old formula; they can only be chain 0's first run.
    if (entry.chainSeq !== state.entries + 1) return fail('sequence_gap');
    if (entry.prevHash !== state.headHash) return fail('prev_hash_mismatch');
    if (auditEntryHash(entry.prevHash, entry) === entry.hash) {
      state.legacy = false;
    } else if (!(state.legacy && entry.seq === entry.chainSeq && legacyAuditEntryHash(entry.prevHash, entry) === entry.hash)) {
      return fail('hash_mismatch');
    }
    state.entries += 1;
    state.headHash = entry.hash;
    this.chains.set(entry.chain, state);
    this.count += 1;
    return true;
  }

  verdict(): ChainVerdict {
    if (this.failure) return this.failure;
    const chains = new Map([...this.chains].sort(([a], [b]) => a - b).map(([chain, { entries, headHash }]) => [chain, { entries, headHash }]));
    return { ok: true, entries: this.count, chains };
  }
}

/**
 * One hash over every chain's length and last hash: a single value an operator can note down (or sign) and
 * compare later, as the head hash was when there was one chain.
 */
export function chainsDigest(chains: ReadonlyMap<number, ChainState>): string {
  const listing = [...chains].sort(([a], [b]) => a - b).map(([chain, state]) => `${chain}:${state.entries}:${state.headHash}\n`);
  return createHash('sha256').update(listing.join('')).digest('hex');
}
