import { describe, expect, it } from 'vitest';
import { BerReader } from 'ldapts';
import { passwordModifyRequest } from '../../src/adapters/directory/password-modify.js';

const hex = (buffer: Buffer) => buffer.toString('hex');

describe('passwordModifyRequest (RFC 3062)', () => {
  it('encodes identity, old and new password as [0], [1], [2] in one SEQUENCE', () => {
    const expected = Buffer.concat([
      Buffer.from([0x30, 0x0d]),
      Buffer.from([0x80, 0x05]), Buffer.from('uid=a'),
      Buffer.from([0x81, 0x01]), Buffer.from('o'),
      Buffer.from([0x82, 0x01]), Buffer.from('n'),
    ]);
    expect(hex(passwordModifyRequest({ userIdentity: 'uid=a', oldPassword: 'o', newPassword: 'n' }))).toBe(hex(expected));
  });

  it('leaves out what is absent (an administrator sends no old password)', () => {
    const expected = Buffer.concat([Buffer.from([0x30, 0x0a, 0x80, 0x05]), Buffer.from('uid=a'), Buffer.from([0x82, 0x01]), Buffer.from('n')]);
    expect(hex(passwordModifyRequest({ userIdentity: 'uid=a', newPassword: 'n' }))).toBe(hex(expected));
  });

  it('sends passwords as UTF-8 and uses long-form lengths past 127 bytes', () => {
    const newPassword = `pässwörd-${'x'.repeat(200)}`;
    const reader = new BerReader(passwordModifyRequest({ userIdentity: 'uid=a', oldPassword: 'ü', newPassword }));
    reader.readSequence();
    expect(reader.readString(0x80)).toBe('uid=a');
    expect(reader.readString(0x81)).toBe('ü');
    expect(reader.readString(0x82)).toBe(newPassword);
    const raw = passwordModifyRequest({ newPassword });
    expect(raw[1]).toBe(0x81); // long form, one length byte follows
    expect(raw[3]).toBe(0x82);
    expect(raw[4]).toBe(0x81);
    expect(raw[5]).toBe(Buffer.byteLength(newPassword));
  });
});
