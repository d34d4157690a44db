import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyPurpose, KeyRing } from './key-ring.js';

/**
 * AES-256-GCM for secrets at rest (queued messages with codes, TOTP seeds).
 * Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` in base64url, so the key id travels with the data.
 */
export class Sealer {
  constructor(
    private readonly keys: KeyRing,
    private readonly purpose: KeyPurpose,
  ) {}

  seal(plaintext: string): string {
    const keyId = this.keys.currentId;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.subkey(this.purpose, keyId)!, iv);
    cipher.setAAD(Buffer.from(`${this.purpose}:${keyId}`));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws when the key is gone or the data was altered. */
  open(sealed: string): string {
    const [version, keyId, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !keyId || !iv || !tag || body === undefined) throw new Error('not a sealed value');
    const key = this.keys.subkey(this.purpose, keyId);
    if (!key) throw new Error(`key ${keyId} is not in the key ring`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(`${this.purpose}:${keyId}`));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
