import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { hashHandle, newFlowHandle, newNumericCode } from '../../src/core/crypto/secrets.js';

const key = (id: string) => ({ id, secret: randomBytes(32) });

describe('secrets', () => {
  it('makes flow handles with at least 128 bits, all different', () => {
    const handles = new Set(Array.from({ length: 1000 }, newFlowHandle));
    expect(handles.size).toBe(1000);
    for (const h of handles) expect(Buffer.from(h, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  it('hashes handles so the stored value is not the handle', () => {
    const handle = newFlowHandle();
    expect(hashHandle(handle)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashHandle(handle)).not.toContain(handle);
  });

  it('makes numeric codes of the asked length, keeping leading zeros, spread over all digits', () => {
    const codes = Array.from({ length: 5000 }, () => newNumericCode(6));
    for (const c of codes) expect(c).toMatch(/^\d{6}$/);
    const firstDigits = new Set(codes.map((c) => c[0]));
    expect(firstDigits.size).toBe(10);
  });
});

describe('KeyRing', () => {
  it('refuses short keys', () => {
    expect(() => new KeyRing([{ id: 'a', secret: Buffer.alloc(16) }])).toThrow(/32 bytes/);
  });

  it('verifies a MAC under the key it was made with, after rotation too', () => {
    const old = key('k1');
    const ring1 = new KeyRing([old]);
    const mac = ring1.mac('code-hmac', 'flow:123456');
    const rotated = new KeyRing([key('k2'), old]);
    expect(rotated.currentId).toBe('k2');
    expect(rotated.verifyMac('code-hmac', mac.keyId, 'flow:123456', mac.digest)).toBe(true);
    expect(rotated.verifyMac('code-hmac', mac.keyId, 'flow:123457', mac.digest)).toBe(false);
  });

  it('rejects a MAC whose key left the ring, and one made for another purpose', () => {
    const ring = new KeyRing([key('k1')]);
    const mac = ring.mac('code-hmac', 'm');
    expect(new KeyRing([key('k2')]).verifyMac('code-hmac', mac.keyId, 'm', mac.digest)).toBe(false);
    expect(ring.verifyMac('outbox-seal', mac.keyId, 'm', mac.digest)).toBe(false);
  });
});

describe('Sealer', () => {
  it('round-trips and hides the plaintext', () => {
    const sealer = new Sealer(new KeyRing([key('k1')]), 'outbox-seal');
    const sealed = sealer.seal('{"code":"123456"}');
    expect(sealed).not.toContain('123456');
    expect(sealer.open(sealed)).toBe('{"code":"123456"}');
  });

  it('opens old material after rotation and refuses tampering', () => {
    const old = key('k1');
    const sealed = new Sealer(new KeyRing([old]), 'outbox-seal').seal('secret');
    const rotated = new Sealer(new KeyRing([key('k2'), old]), 'outbox-seal');
    expect(rotated.open(sealed)).toBe('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('SECRET').toString('base64url');
    expect(() => rotated.open(parts.join('.'))).toThrow();
  });
});
