import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeHeader, encodeHeader, FilterFormatError, headerLengthFor } from '../../src/core/password/breached/filter-format.js';
import { FuseBuilder, fuseContains, type PartitionKeys } from '../../src/core/password/breached/fuse-build.js';
import { fuseLayout, mulHigh32 } from '../../src/core/password/breached/fuse-layout.js';
import { progressLine, progressPrinter } from '../../src/cli/commands/breached-progress.js';

function randomKeys(n: number): PartitionKeys {
  const bytes = randomBytes(n * 13);
  const keys: PartitionKeys = { count: n, w1: new Uint32Array(n), w2: new Uint32Array(n), w3: new Uint32Array(n), fingerprint: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    keys.w1[i] = bytes.readUInt32BE(i * 13);
    keys.w2[i] = bytes.readUInt32BE(i * 13 + 4);
    keys.w3[i] = bytes.readUInt32BE(i * 13 + 8);
    keys.fingerprint[i] = bytes[i * 13 + 12]!;
  }
  return keys;
}

describe('binary fuse filter (pure)', () => {
  it('sizes a million-key partition at about 1.13 bytes a key, as the reference does', () => {
    const layout = fuseLayout(1_000_000);
    expect(layout.segmentLength).toBe(8192);
    expect(layout.arrayLength / 1_000_000).toBeGreaterThan(1.125);
    expect(layout.arrayLength / 1_000_000).toBeLessThan(1.135);
    expect(layout.arrayLength).toBe(layout.segmentCountLength + 2 * layout.segmentLength);
  });

  it('finds every key it was built from, and about 1 in 256 others', () => {
    const keys = randomKeys(200_000);
    const { layout, fingerprints } = new FuseBuilder().build(keys);
    expect(fingerprints.length).toBe(layout.arrayLength);
    for (let i = 0; i < keys.count; i++) {
      if (!fuseContains(fingerprints, layout, keys.w1[i]!, keys.w2[i]!, keys.w3[i]!, keys.fingerprint[i]!)) throw new Error(`key ${i} not found`);
    }
    const others = randomKeys(400_000);
    let hits = 0;
    for (let i = 0; i < others.count; i++) if (fuseContains(fingerprints, layout, others.w1[i]!, others.w2[i]!, others.w3[i]!, others.fingerprint[i]!)) hits++;
    expect(hits / others.count).toBeGreaterThan(0.003);
    expect(hits / others.count).toBeLessThan(0.005);
  });

  it.each([0, 1, 2, 3, 10, 100, 5000])('builds a partition of %i keys', (n) => {
    const keys = randomKeys(n);
    const builder = new FuseBuilder();
    const { layout, fingerprints } = builder.build(keys);
    expect(layout.keyCount).toBe(n);
    for (let i = 0; i < n; i++) expect(fuseContains(fingerprints, layout, keys.w1[i]!, keys.w2[i]!, keys.w3[i]!, keys.fingerprint[i]!)).toBe(true);
    if (n === 0) expect(fuseContains(fingerprints, layout, 1, 2, 3, 4)).toBe(false);
  });

  it('repeated keys cannot be placed and say so (the importer drops them first)', () => {
    const keys = randomKeys(1000);
    keys.w1[1] = keys.w1[0]!;
    keys.w2[1] = keys.w2[0]!;
    keys.w3[1] = keys.w3[0]!;
    expect(() => new FuseBuilder().build(keys)).toThrow(/repeated keys/);
  });

  it('mulHigh32 is exact where a double product would round', () => {
    for (let i = 0; i < 10_000; i++) {
      const [a, b] = [randomBytes(4).readUInt32BE(), randomBytes(4).readUInt32BE()];
      expect(mulHigh32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
    expect(mulHigh32(0xffff_ffff, 0xffff_ffff)).toBe(0xffff_fffe);
  });
});

describe('filter file header', () => {
  const header = { kind: 'ntlm' as const, partitionBits: 10, partitionCount: 1024, entryCount: 1_000_000_123, createdAt: new Date('2026-12-07T10:00:00Z'), source: 'NTLM list, file /data/pwned ntlm.txt' };

  it('round-trips every field', () => {
    const bytes = encodeHeader({ ...header, checksum: 0xdeadbeef });
    expect(bytes.length).toBe(headerLengthFor(header.source));
    expect(bytes.length % 8).toBe(0);
    expect(decodeHeader(bytes)).toEqual({ ...header, headerLength: bytes.length, checksum: 0xdeadbeef });
  });

  it('refuses another file, another version, a bad partition count', () => {
    expect(() => decodeHeader(new TextEncoder().encode('#!/bin/sh\necho this is no filter at all, just a script'))).toThrow(/wrong magic/);
    const bytes = encodeHeader(header);
    const newer = bytes.slice();
    newer[8] = 9;
    expect(() => decodeHeader(newer)).toThrow(/version 9 is not supported/);
    const bad = bytes.slice();
    bad[16] = 3;
    expect(() => decodeHeader(bad)).toThrow(FilterFormatError);
  });
});

describe('import progress line', () => {
  it('shows percent, entries, rate and an ETA from this run’s own pace', () => {
    expect(progressLine({ fraction: 0.5, startFraction: 0.25, entries: 2_000_000, elapsedMs: 10_000 })).toBe('50.0% · 2,000,000 entries · 200,000 entries/s · ETA 0m 20s');
    expect(progressLine({ fraction: 1, startFraction: 0, entries: 10, elapsedMs: 1000 })).toContain('ETA done');
    expect(progressLine({ fraction: 0.1, startFraction: 0, entries: 1, elapsedMs: 7_200_000 })).toContain('ETA 18h 00m');
  });

  it('rewrites one line on a terminal; writes whole lines, spaced out, elsewhere', () => {
    const p = { fraction: 0.5, startFraction: 0, entries: 10, elapsedMs: 1000 };
    let tty = '';
    const onTerminal = progressPrinter({ write: (t: string) => (tty += t), isTTY: true });
    onTerminal.update(p);
    onTerminal.update({ ...p, fraction: 1 });
    onTerminal.done();
    expect(tty).toMatch(/^\r50\.0% .*\x1b\[K\r100\.0% .*\x1b\[K\n$/);
    let log = '';
    const toLog = progressPrinter({ write: (t: string) => (log += t) }, 60_000);
    toLog.update(p);
    toLog.update({ ...p, fraction: 0.6 }); // within a minute of the last line: not written
    toLog.update({ ...p, fraction: 1 }); // the end always is
    toLog.done();
    expect(log.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^50\.0% /), expect.stringMatching(/^100\.0% /)]);
    expect(log).not.toContain('\r');
  });
});
