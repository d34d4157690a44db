import { describe, expect, it } from 'vitest';
import { guidFromString, guidToString } from '../../src/adapters/directory/ad-guid.js';

describe('objectGUID text form', () => {
  // A GUID read from Samba: raw bytes as stored, and the form AD tools show (first three fields little-endian).
  const raw = Buffer.from('2fec9585890ca24db79c56321e51bc70', 'hex');
  const text = '8595ec2f-0c89-4da2-b79c-56321e51bc70';

  it('reads the first three fields little-endian, the rest in order', () => {
    expect(guidToString(raw)).toBe(text);
  });

  it('turns the text back into the same 16 bytes, in any case', () => {
    expect(guidFromString(text)).toEqual(raw);
    expect(guidFromString(text.toUpperCase())).toEqual(raw);
  });

  it('round-trips any GUID', () => {
    for (let i = 0; i < 50; i++) {
      const bytes = Buffer.from(Array.from({ length: 16 }, () => Math.floor(Math.random() * 256)));
      expect(guidFromString(guidToString(bytes))).toEqual(bytes);
    }
  });

  it('is null for anything that is not a GUID (ids of other directories, filter tricks)', () => {
    for (const id of ['', 'no-such-id', '*', `${text}*`, `${text} `, '8595ec2f0c894da2b79c56321e51bc70', '8595ec2f-0c89-4da2-b79c-56321e51bc7', 'g595ec2f-0c89-4da2-b79c-56321e51bc70']) {
      expect(guidFromString(id)).toBeNull();
    }
  });

  it('refuses raw values that are not 16 bytes', () => {
    expect(() => guidToString(Buffer.alloc(15))).toThrow(RangeError);
  });
});
