import { createHash, createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

/** What a signed ALTCHA v2 challenge is made of (the widget's and altcha-lib's format). */
export interface SignedChallenge {
  parameters: Record<string, unknown>;
  signature: string;
}

/**
 * Makes the same signed ALTCHA v2 challenge as altcha-lib's `createChallenge` does in deterministic mode with
 * algorithm `SHA-256` (the key drawn from `counter`, its first half the prefix to find, `keySignature` over the key),
 * but synchronously with node:crypto: altcha-lib signs through WebCrypto, whose key import and async hops made each
 * challenge cost about half a millisecond — too much for a refusal answer under a flood. Checked by solving and
 * verifying with altcha-lib itself (test/unit/altcha-sign.test.ts); verification stays altcha-lib's.
 */
export function signChallengeSync(input: {
  cost: number;
  counter: number;
  data: Record<string, unknown>;
  /** `hmacSignatureSecret` and `hmacKeySignatureSecret` as altcha-lib takes them (strings, used as UTF-8 bytes). */
  secret: string;
  keySecret: string;
}): SignedChallenge {
  // One draw for both (a refusal answer signs one of these, so every call counts).
  const random = randomBytes(32);
  const nonce = random.subarray(0, 16);
  const salt = random.subarray(16);
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(input.counter);
  // The `sha` key derivation: SHA-256 of salt, nonce and the big-endian counter, then `cost - 1` more rounds.
  let key = createHash('sha256').update(salt).update(nonce).update(counter).digest();
  for (let round = 1; round < input.cost; round += 1) key = createHash('sha256').update(key).digest();
  // Written in code-point order already: only the caller's `data` needs sorting.
  const parameters = {
    algorithm: 'SHA-256',
    cost: input.cost,
    data: sortKeys(input.data),
    keyLength: key.length,
    keyPrefix: key.subarray(0, key.length / 2).toString('hex'),
    keySignature: createHmac('sha256', hmacKey(input.keySecret)).update(key).digest('hex'),
    nonce: nonce.toString('hex'),
    salt: salt.toString('hex'),
  };
  const signature = createHmac('sha256', hmacKey(input.secret)).update(JSON.stringify(parameters)).digest('hex');
  return { parameters, signature };
}

/** The HMAC key of a secret, made once: a key ring holds a few, and every refusal under a flood signs with one. */
const keys = new Map<string, KeyObject>();
function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keys.size >= 64) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** Keys in code-point order at every level, undefined values left out: the JSON the signature is over. */
function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => {
        const inner = value[key];
        return [key, typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? sortKeys(inner as Record<string, unknown>) : inner];
      }),
  );
}
