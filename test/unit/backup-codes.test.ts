import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import {
  BACKUP_CODE_ALPHABET,
  BACKUP_CODE_LENGTH,
  hashBackupCode,
  matchBackupCode,
  newBackupCodes,
  normalizeBackupCode,
  type StoredBackupCode,
} from '../../src/core/methods/backup_code/backup-codes.js';

const key = (id: string) => ({ id, secret: randomBytes(32) });

function store(keys: KeyRing, codes: string[]): StoredBackupCode[] {
  return codes.map((code, i) => ({ id: `code-${i}`, ...hashBackupCode(keys, normalizeBackupCode(code)!), usedAt: null }));
}

describe('newBackupCodes', () => {
  it('makes 10 distinct codes shaped xxxxxx-xxxxxx from the unambiguous alphabet', () => {
    const codes = newBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/);
      expect(code).not.toMatch(/[01OIL]/);
    }
  });

  it('has no 0/O/1/I/L in the alphabet and at least 50 bits per code', () => {
    expect(BACKUP_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    expect(new Set(BACKUP_CODE_ALPHABET).size).toBe(BACKUP_CODE_ALPHABET.length);
    expect(BACKUP_CODE_LENGTH * Math.log2(BACKUP_CODE_ALPHABET.length)).toBeGreaterThanOrEqual(50);
  });

  it('uses every character of the alphabet', () => {
    const seen = new Set(newBackupCodes(100).join('').replaceAll('-', ''));
    expect(seen).toEqual(new Set(BACKUP_CODE_ALPHABET));
  });

  it('makes as many as asked, and refuses nonsense counts', () => {
    expect(newBackupCodes(3)).toHaveLength(3);
    expect(() => newBackupCodes(0)).toThrow(RangeError);
    expect(() => newBackupCodes(2.5)).toThrow(RangeError);
    expect(() => newBackupCodes(1000)).toThrow(RangeError);
  });
});

describe('normalizeBackupCode', () => {
  it('ignores case, spaces and dashes', () => {
    expect(normalizeBackupCode('ABCDEF-GHJKMN')).toBe('ABCDEFGHJKMN');
    expect(normalizeBackupCode('  abcdef ghjkmn ')).toBe('ABCDEFGHJKMN');
    expect(normalizeBackupCode('ab-cd-ef-gh-jk-mn')).toBe('ABCDEFGHJKMN');
    expect(normalizeBackupCode('abcdef\u2013ghjkmn')).toBe('ABCDEFGHJKMN');
    expect(normalizeBackupCode('ＡＢＣＤＥＦ－ＧＨＪＫＭＮ')).toBe('ABCDEFGHJKMN');
  });

  it('returns null for anything that cannot be a code', () => {
    for (const input of ['', '-----', 'ABCDEF-GHJKM', 'ABCDEF-GHJKMNP', 'ABCDEF-GHJKM0', 'ABCDEF-GHJKMO', 'ABCDEF-GHJKM1', 'ABCDEF-GHJKMI', 'ABCDEF-GHJKML', 'ABCDEF_GHJKMN', 'ABCDEF-GHJKM!', 'A'.repeat(1000)]) {
      expect(normalizeBackupCode(input)).toBeNull();
    }
  });

  it('accepts every generated code', () => {
    for (const code of newBackupCodes()) expect(normalizeBackupCode(code)).toBe(code.replace('-', ''));
  });
});

describe('hashBackupCode', () => {
  it('stores a keyed digest, not the code, and apart from the emailed codes’ MACs', () => {
    const keys = new KeyRing([key('k1')]);
    const hashed = hashBackupCode(keys, 'ABCDEFGHJK');
    expect(hashed.keyId).toBe('k1');
    expect(hashed.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(hashed.digest).not.toContain('ABCDEFGHJK');
    expect(hashed.digest).not.toBe(keys.mac('code-hmac', 'ABCDEFGHJK').digest);
    expect(hashBackupCode(new KeyRing([key('k1')]), 'ABCDEFGHJK').digest).not.toBe(hashed.digest);
  });
});

describe('matchBackupCode', () => {
  const keys = new KeyRing([key('k1')]);
  const codes = newBackupCodes();
  const stored = store(keys, codes);

  it('matches a code however it is typed and names the row', () => {
    expect(matchBackupCode(keys, codes[3]!, stored)).toEqual({ ok: true, id: 'code-3' });
    expect(matchBackupCode(keys, ` ${codes[7]!.toLowerCase().replace('-', ' ')} `, stored)).toEqual({ ok: true, id: 'code-7' });
  });

  it('refuses a code once used', () => {
    const spent = stored.map((row) => (row.id === 'code-3' ? { ...row, usedAt: new Date() } : row));
    expect(matchBackupCode(keys, codes[3]!, spent)).toEqual({ ok: false, reason: 'used' });
    expect(matchBackupCode(keys, codes[4]!, spent)).toEqual({ ok: true, id: 'code-4' });
  });

  it('refuses a wrong code and one from another set', () => {
    const [other] = newBackupCodes(1);
    if (!codes.includes(other!)) expect(matchBackupCode(keys, other!, stored)).toEqual({ ok: false, reason: 'wrong' });
    expect(matchBackupCode(keys, codes[0]!, [])).toEqual({ ok: false, reason: 'wrong' });
  });

  it('refuses a code whose digest was made under another ring (the key is what makes the digest)', () => {
    expect(matchBackupCode(new KeyRing([key('k1')]), codes[0]!, stored)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('calls malformed input malformed', () => {
    for (const input of ['', '123456', 'not a code', codes[0]!.slice(0, 8), `${codes[0]!}X`]) {
      expect(matchBackupCode(keys, input, stored)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('still matches old digests after the key ring rotates, and makes new ones under the new key', () => {
    const old = key('k1');
    const ring1 = new KeyRing([old]);
    const set = newBackupCodes();
    const oldRows = store(ring1, set);
    const rotated = new KeyRing([key('k2'), old]);
    expect(matchBackupCode(rotated, set[5]!, oldRows)).toEqual({ ok: true, id: 'code-5' });
    expect(hashBackupCode(rotated, normalizeBackupCode(set[5]!)!).keyId).toBe('k2');
    // Once the old key leaves the ring its digests no longer verify.
    expect(matchBackupCode(new KeyRing([key('k2')]), set[5]!, oldRows)).toEqual({ ok: false, reason: 'wrong' });
  });

  it('matches in a set that mixes key ids', () => {
    const old = key('k1');
    const ring1 = new KeyRing([old]);
    const rotated = new KeyRing([key('k2'), old]);
    const set = newBackupCodes(4);
    const rows = [...store(ring1, set.slice(0, 2)), ...store(rotated, set.slice(2)).map((r, i) => ({ ...r, id: `new-${i}` }))];
    expect(matchBackupCode(rotated, set[1]!, rows)).toEqual({ ok: true, id: 'code-1' });
    expect(matchBackupCode(rotated, set[3]!, rows)).toEqual({ ok: true, id: 'new-1' });
  });
});
