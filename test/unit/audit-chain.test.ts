import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditEntryHash, canonicalJson, legacyAuditEntryHash, type StoredAuditEntry } from '../../src/core/audit/audit-hash.js';
import { AuditChainVerifier, chainsDigest } from '../../src/core/audit/chain-verifier.js';

type Hash = typeof auditEntryHash;

/** Entries of several chains, interleaved the way global seq interleaves them: seq n goes to chain n mod `chains`. */
function log(n: number, chains = 1, hash: Hash = auditEntryHash): StoredAuditEntry[] {
  const entries: StoredAuditEntry[] = [];
  const heads = new Map<number, { chainSeq: number; hash: string }>();
  for (let seq = 1; seq <= n; seq += 1) {
    const chain = seq % chains;
    const head = heads.get(chain) ?? { chainSeq: 0, hash: GENESIS_HASH };
    const fields = {
      seq, chain, chainSeq: head.chainSeq + 1, id: `id-${seq}`, at: 1_700_000_000_000 + seq, tenantId: 'demo', event: 'reset.started',
      outcome: 'success', actor: 'self', subjectId: 's', flowId: 'f', ip: '127.0.0.1', userAgent: 'ua', correlationId: 'c', details: canonicalJson({ b: 1, a: 2 }),
    };
    const entryHash = hash(head.hash, fields);
    entries.push({ ...fields, prevHash: head.hash, hash: entryHash });
    heads.set(chain, { chainSeq: fields.chainSeq, hash: entryHash });
  }
  return entries;
}

function verify(entries: StoredAuditEntry[]) {
  const verifier = new AuditChainVerifier();
  for (const e of entries) verifier.feed(e);
  return verifier.verdict();
}

const at = (entries: StoredAuditEntry[], seq: number) => entries.findIndex((e) => e.seq === seq);

describe('audit hash chains', () => {
  it('sorts detail keys so equal details hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it('accepts intact chains, interleaved or one after another, and counts each', () => {
    const entries = log(12, 3);
    const verdict = verify(entries);
    expect(verdict).toMatchObject({ ok: true, entries: 12 });
    expect(verdict.ok && [...verdict.chains].map(([c, s]) => [c, s.entries])).toEqual([[0, 4], [1, 4], [2, 4]]);
    const chainByChain = [...entries].sort((a, b) => a.chain - b.chain || a.chainSeq - b.chainSeq);
    expect(verify(chainByChain)).toMatchObject({ ok: true, entries: 12 });
    expect(verdict.ok && chainsDigest(verdict.chains)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('global seq may have gaps; a chain position may not', () => {
    const entries = log(9, 3);
    expect(verify(entries.filter((e) => e.seq !== 9))).toMatchObject({ ok: true, entries: 8 });
    const withoutMiddle = entries.filter((e) => e.seq !== 4);
    expect(verify(withoutMiddle)).toMatchObject({ ok: false, chain: 1, brokenAtSeq: 3, chainEntries: 1, reason: 'sequence_gap' });
  });

  it('names the first altered entry by chain and position', () => {
    const entries = log(9, 3);
    const i = at(entries, 5);
    entries[i] = { ...entries[i]!, details: '{"a":3}' };
    expect(verify(entries)).toMatchObject({ ok: false, chain: 2, brokenAtSeq: 2, reason: 'hash_mismatch' });
  });

  it('notices an entry rewritten with a fresh hash (its successor in the chain no longer follows)', () => {
    const entries = log(9, 3);
    const i = at(entries, 2);
    const forged = { ...entries[i]!, outcome: 'failure' };
    forged.hash = auditEntryHash(forged.prevHash, forged);
    entries[i] = forged;
    expect(verify(entries)).toMatchObject({ ok: false, chain: 2, brokenAtSeq: 2, reason: 'prev_hash_mismatch' });
  });

  it('notices an entry moved to another chain, even to an empty one where its links would fit', () => {
    // The first entry of chain 1 moved to chain 3, which is empty: prev_hash (genesis) and position (1) fit, the hash does not.
    const entries = log(4, 3);
    const i = at(entries, 1);
    entries[i] = { ...entries[i]!, chain: 3 };
    expect(verify(entries)).toMatchObject({ ok: false, chain: 3, brokenAtSeq: 1, reason: 'hash_mismatch' });
  });

  it('refuses a chain number outside 0 … 63', () => {
    const entries = log(2, 1);
    entries[1] = { ...entries[1]!, chain: 64 };
    expect(verify(entries)).toMatchObject({ ok: false, chain: 64, reason: 'unknown_chain' });
  });

  it('still accepts entries hashed before there were chains, as the first run of chain 0 only', () => {
    const legacy = log(3, 1, legacyAuditEntryHash);
    expect(verify(legacy)).toMatchObject({ ok: true, entries: 3 });
    // New entries continue chain 0 after them…
    const last = legacy[2]!;
    const fields = { ...last, seq: 10, chainSeq: 4, id: 'new', prevHash: last.hash };
    const next = { ...fields, hash: auditEntryHash(last.hash, fields) };
    expect(verify([...legacy, next])).toMatchObject({ ok: true, entries: 4 });
    // …but an old-style entry after a new one, or in another chain, is refused.
    const oldAfterNew = { ...fields, seq: 11, chainSeq: 5, id: 'late', prevHash: next.hash };
    expect(verify([...legacy, next, { ...oldAfterNew, hash: legacyAuditEntryHash(next.hash, oldAfterNew) }])).toMatchObject({ ok: false, chain: 0, brokenAtSeq: 5, reason: 'hash_mismatch' });
    const otherChain = log(1, 1, legacyAuditEntryHash).map((e) => ({ ...e, chain: 2 }));
    expect(verify(otherChain)).toMatchObject({ ok: false, chain: 2, reason: 'hash_mismatch' });
  });

  it('hashes the chain and position into new entries', () => {
    const [entry] = log(1, 1);
    expect(auditEntryHash(GENESIS_HASH, { ...entry!, chain: 1 })).not.toBe(entry!.hash);
    expect(auditEntryHash(GENESIS_HASH, { ...entry!, chainSeq: 2 })).not.toBe(entry!.hash);
    expect(auditEntryHash(GENESIS_HASH, entry!)).toBe(entry!.hash);
  });
});
