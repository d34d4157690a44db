import { describe, expect, it } from 'vitest';
import {
  ACCESS_PASS_ALPHABET,
  hashAccessPass,
  newAccessPass,
  normaliseAccessPass,
} from '../../src/core/methods/access_pass/access-pass-code.js';

describe('access pass code', () => {
  it('is 16 unambiguous symbols, grouped in fours', () => {
    for (let i = 0; i < 50; i += 1) {
      const pass = newAccessPass();
      expect(pass).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(pass).not.toMatch(/[01OIL]/);
    }
    expect(ACCESS_PASS_ALPHABET).not.toMatch(/[01OIL]/);
    expect(new Set(Array.from({ length: 20 }, () => newAccessPass())).size).toBe(20);
  });

  it('normalises case, spaces and dashes, and refuses other shapes', () => {
    expect(normaliseAccessPass(' abcd-efgh jkmn-pqrs ')).toBe('ABCDEFGHJKMNPQRS');
    expect(normaliseAccessPass('ABCD-EFGH-JKMN-PQR')).toBeNull();
    expect(normaliseAccessPass('ABCD-EFGH-JKMN-PQR0')).toBeNull();
    expect(normaliseAccessPass('')).toBeNull();
  });

  it('hashes the normalised pass as SHA-256 hex', () => {
    expect(hashAccessPass('abcd efgh-jkmn pqrs')).toBe(hashAccessPass('ABCDEFGHJKMNPQRS'));
    expect(hashAccessPass('ABCDEFGHJKMNPQRS')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashAccessPass('ABCDEFGHJKMNPQRS')).not.toBe(hashAccessPass('ABCDEFGHJKMNPQRT'));
  });
});
