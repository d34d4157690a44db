import { describe, expect, it } from 'vitest';
import { UnencodablePasswordError, encodeOldUnicodePwd, encodeUnicodePwd } from '../../src/adapters/directory/ad-password.js';

describe('encodeUnicodePwd (AD unicodePwd: the password in double quotes, UTF-16LE)', () => {
  it('wraps the password in quotes and encodes every character as two little-endian bytes', () => {
    expect(encodeUnicodePwd('Ab1!')).toEqual(Buffer.from([0x22, 0, 0x41, 0, 0x62, 0, 0x31, 0, 0x21, 0, 0x22, 0]));
  });

  it('encodes a whole word byte for byte ("newPassword" → 22 00 6e 00 … 64 00 22 00)', () => {
    expect(encodeUnicodePwd('newPassword').toString('hex')).toBe('22006e0065007700500061007300730077006f007200640022' + '00');
  });

  it('keeps quotes, backslashes and spaces inside the password as they are: AD strips only the outer pair', () => {
    expect(encodeUnicodePwd('a"b\\ c').toString('utf16le')).toBe('"a"b\\ c"');
  });

  it('encodes non-ASCII and characters outside the BMP (as a surrogate pair), never truncating', () => {
    expect(encodeUnicodePwd('é').subarray(2, 4)).toEqual(Buffer.from([0xe9, 0x00]));
    expect(encodeUnicodePwd('😀').subarray(2, 6)).toEqual(Buffer.from([0x3d, 0xd8, 0x00, 0xde]));
    const long = 'x'.repeat(300);
    expect(encodeUnicodePwd(long).length).toBe((300 + 2) * 2);
  });

  it('refuses a lone surrogate instead of writing a password no client could type', () => {
    expect(() => encodeUnicodePwd('ab\ud800cd')).toThrow(UnencodablePasswordError);
    expect(() => encodeUnicodePwd('ab\udc00')).toThrow(UnencodablePasswordError);
  });

  it('the old password of a change: empty or unencodable is null (it cannot be the right one)', () => {
    expect(encodeOldUnicodePwd('')).toBeNull();
    expect(encodeOldUnicodePwd('x\ud800')).toBeNull();
    expect(encodeOldUnicodePwd('Ab1!')).toEqual(encodeUnicodePwd('Ab1!'));
  });
});
