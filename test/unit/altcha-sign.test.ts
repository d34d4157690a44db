import { solveChallenge, verifySolution, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { describe, expect, it } from 'vitest';
import { signChallengeSync } from '../../src/adapters/risk/altcha-sign.js';

const SECRET = 'a'.repeat(64);
const KEY_SECRET = `${SECRET}:key`;

describe('signing ALTCHA v2 challenges without WebCrypto', () => {
  it.each([1, 3])('altcha-lib solves and verifies what it signs (cost %i)', async (cost) => {
    const challenge = signChallengeSync({ cost, counter: 1234, data: { t: 'demo', k: 'k1', e: 2_000_000_000 }, secret: SECRET, keySecret: KEY_SECRET });
    // The widget's and altcha-lib's format: sorted keys, the deterministic prefix, a key signature.
    expect(Object.keys(challenge.parameters)).toEqual(['algorithm', 'cost', 'data', 'keyLength', 'keyPrefix', 'keySignature', 'nonce', 'salt']);
    expect(challenge.parameters.data).toEqual({ e: 2_000_000_000, k: 'k1', t: 'demo' });
    const solution = await solveChallenge({ challenge: challenge as unknown as Challenge, deriveKey });
    expect(solution?.counter).toBe(1234);
    const checked = await verifySolution({ challenge: challenge as unknown as Challenge, solution: solution!, deriveKey, hmacSignatureSecret: SECRET, hmacKeySignatureSecret: KEY_SECRET });
    expect(checked.verified).toBe(true);
  });

  it('a challenge signed with another secret, or changed after signing, does not verify', async () => {
    const challenge = signChallengeSync({ cost: 1, counter: 7, data: { t: 'demo' }, secret: SECRET, keySecret: KEY_SECRET });
    const solution = (await solveChallenge({ challenge: challenge as unknown as Challenge, deriveKey }))!;
    const other = await verifySolution({ challenge: challenge as unknown as Challenge, solution, deriveKey, hmacSignatureSecret: 'b'.repeat(64), hmacKeySignatureSecret: KEY_SECRET });
    expect(other.verified).toBe(false);
    const changed = { ...challenge, parameters: { ...challenge.parameters, data: { t: 'other' } } } as unknown as Challenge;
    expect((await verifySolution({ challenge: changed, solution, deriveKey, hmacSignatureSecret: SECRET, hmacKeySignatureSecret: KEY_SECRET })).verified).toBe(false);
  });
});
