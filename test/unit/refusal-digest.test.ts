import { describe, expect, it } from 'vitest';
import { RefusalDigest, refusalKey } from '../../src/core/audit/refusal-digest.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';

function refusal(ip: string, bucket = 'start_ip', flowId: string | null = null): AuditEntryInput {
  return { event: 'reset.rate_limited', outcome: 'denied', tenantId: 'acme', actor: 'self', flowId, ip, details: { bucket } };
}

describe('folding a flood of rate-limit refusals into few audit entries', () => {
  it('writes the first refusal of a key at once, counts the rest of its window, and writes the count when the window closes', () => {
    const digest = new RefusalDigest({ windowMs: 60_000, maxKeys: 100 });
    const first = refusal('192.0.2.7');
    expect(digest.admit(refusalKey(first), first, 0)).toEqual([first]);
    for (let i = 1; i <= 41; i += 1) expect(digest.admit(refusalKey(first), refusal('192.0.2.7'), i * 1000)).toEqual([]);
    expect(digest.drain(59_999)).toEqual([]);
    expect(digest.drain(60_000)).toEqual([{ ...first, details: { bucket: 'start_ip', repeated: 41, windowSeconds: 60 } }]);
    expect(digest.size).toBe(0);
    // The next refusal after the window is written at once again.
    expect(digest.admit(refusalKey(first), first, 61_000)).toEqual([first]);
  });

  it('a refusal after the window closes writes the old window count before itself', () => {
    const digest = new RefusalDigest({ windowMs: 10_000, maxKeys: 100 });
    const entry = refusal('192.0.2.8');
    digest.admit(refusalKey(entry), entry, 0);
    digest.admit(refusalKey(entry), entry, 5_000);
    const out = digest.admit(refusalKey(entry), entry, 12_000);
    expect(out).toEqual([{ ...entry, details: { bucket: 'start_ip', repeated: 1, windowSeconds: 10 } }, entry]);
  });

  it('keeps keys apart by address, limit and flow, and writes nothing extra for a window with a single refusal', () => {
    const digest = new RefusalDigest({ windowMs: 60_000, maxKeys: 100 });
    const entries = [refusal('192.0.2.1'), refusal('192.0.2.2'), refusal('192.0.2.1', 'start_tenant'), refusal('192.0.2.1', 'verify_ip', 'flow-1')];
    for (const e of entries) expect(digest.admit(refusalKey(e), e, 0)).toEqual([e]);
    expect(digest.size).toBe(4);
    expect(digest.drain(Number.POSITIVE_INFINITY)).toEqual([]);
  });

  it('bounds its memory: past maxKeys every open window is written and followed afresh', () => {
    const digest = new RefusalDigest({ windowMs: 60_000, maxKeys: 2 });
    const a = refusal('192.0.2.1');
    const b = refusal('192.0.2.2');
    const c = refusal('192.0.2.3');
    digest.admit(refusalKey(a), a, 0);
    digest.admit(refusalKey(a), a, 1);
    digest.admit(refusalKey(b), b, 2);
    expect(digest.admit(refusalKey(c), c, 3)).toEqual([{ ...a, details: { bucket: 'start_ip', repeated: 1, windowSeconds: 60 } }, c]);
    expect(digest.size).toBe(1);
  });
});
