import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** One master secret; `id` is stored beside everything made with it so old material still verifies after rotation. */
export interface MasterKey {
  id: string;
  secret: Buffer;
}

/** What a derived key is for: one purpose, one subkey, so a leak of one use does not serve another. */
export type KeyPurpose = 'code-hmac' | 'outbox-seal' | 'totp-seal' | 'pow-challenge' | 'pow-wait';

/**
 * Rotating keys: new material is made under the newest key (the first), and any listed key still verifies.
 * Subkeys are derived with HKDF per purpose.
 */
export class KeyRing {
  private readonly keys: MasterKey[];
  private readonly derived = new Map<string, Buffer>();

  constructor(keys: MasterKey[]) {
    if (keys.length === 0) throw new Error('KeyRing needs at least one key');
    for (const key of keys) {
      if (key.secret.length < 32) throw new Error(`key ${key.id} is shorter than 32 bytes`);
    }
    this.keys = keys;
  }

  get currentId(): string {
    return this.keys[0]!.id;
  }

  /** Every key id in the ring, newest first. */
  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  /** The subkey for `purpose` under key `keyId` (default: the newest), or null when that key is no longer in the ring. */
  subkey(purpose: KeyPurpose, keyId: string = this.currentId): Buffer | null {
    const cacheKey = `${keyId}\u0000${purpose}`;
    const cached = this.derived.get(cacheKey);
    if (cached) return cached;
    const master = this.keys.find((k) => k.id === keyId);
    if (!master) return null;
    const sub = Buffer.from(hkdfSync('sha256', master.secret, Buffer.alloc(0), `unlatch:${purpose}`, 32));
    this.derived.set(cacheKey, sub);
    return sub;
  }

  /** HMAC-SHA256 under the newest key; returns the key id to store beside the digest. */
  mac(purpose: KeyPurpose, message: string): { keyId: string; digest: string } {
    const keyId = this.currentId;
    return { keyId, digest: hmacHex(this.subkey(purpose, keyId)!, message) };
  }

  /** Constant-time check of a stored digest under the key it was made with. */
  verifyMac(purpose: KeyPurpose, keyId: string, message: string, digest: string): boolean {
    const key = this.subkey(purpose, keyId);
    // An unknown key id still spends an HMAC, so a rotated-out key costs the same as a wrong code.
    const actual = hmacHex(key ?? this.subkey(purpose)!, message);
    return key !== null && constantTimeEqualHex(actual, digest);
  }
}

function hmacHex(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

export function constantTimeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  if (left.length !== right.length || left.length === 0) return false;
  return timingSafeEqual(left, right);
}
