import { describe, expect, it } from 'vitest';
import { AuditChainVerifier, GENESIS_HASH, auditEntryHash, canonicalJson, type StoredAuditEntry } from '../../src/core/audit/audit-hash.js';

function chain(n: number): StoredAuditEntry[] {
  const entries: StoredAuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const fields = {
      seq, id: `id-${seq}`, at: 1_700_000_000_000 + seq, tenantId: 'demo', event: 'reset.started', outcome: 'success', actor: 'self',
      subjectId: 's', flowId: 'f', ip: '127.0.0.1', userAgent: 'ua', correlationId: 'c', details: canonicalJson({ b: 1, a: 2 }),
    };
    const hash = auditEntryHash(prev, fields);
    entries.push({ ...fields, prevHash: prev, hash });
    prev = hash;
  }
  return entries;
}

function verify(entries: StoredAuditEntry[]) {
  const verifier = new AuditChainVerifier();
  for (const e of entries) verifier.feed(e);
  return verifier.verdict();
}

describe('audit hash chain', () => {
  it('sorts detail keys so equal details hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{"a":{"c":2,"d":1},"b":1}');
  });

  it('accepts an intact chain', () => {
    const verdict = verify(chain(5));
    expect(verdict).toMatchObject({ ok: true, entries: 5 });
  });

  it('names the first altered entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, details: '{"a":3}' };
    expect(verify(entries)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'hash_mismatch' });
  });

  it('notices a removed entry', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verify(entries)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'sequence_gap' });
  });

  it('notices an entry rewritten with a fresh hash (its successor no longer follows)', () => {
    const entries = chain(4);
    const forged = { ...entries[1]!, outcome: 'failure' };
    forged.hash = auditEntryHash(forged.prevHash, forged);
    entries[1] = forged;
    expect(verify(entries)).toMatchObject({ ok: false, brokenAtSeq: 3, reason: 'prev_hash_mismatch' });
  });
});
