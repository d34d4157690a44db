import { randomInt } from 'node:crypto';
import { verifySolution, type Challenge, type Solution } from 'altcha-lib';
import { signChallengeSync } from './altcha-sign.js';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { Clock } from '../../core/ports/clock.js';
import type { ProofOfWorkChallenges } from '../../core/risk/proof-of-work-gate.js';

export interface AltchaSettings {
  /** Counters are drawn from 0–maxNumber: the solver's work is half of it on average. */
  maxNumber: number;
  /** SHA-256 rounds per counter. */
  cost: number;
  expiresSeconds: number;
}

/** The one algorithm offered: the widget bundles its worker, and the server's check is one hash. */
const ALGORITHM = 'SHA-256';
/** Longest payload taken (a v2 payload is about 600 characters): nothing larger is decoded. */
const MAX_PAYLOAD = 4096;

/**
 * ALTCHA v2 challenges (altcha-lib 2, the `altcha` 3 widget speaks the same format) in deterministic mode: the
 * server draws the counter, so it signs the expected key (`keySignature`) and checks a solution with two HMACs
 * instead of redoing the work. Signed with a key-ring subkey (`pow-challenge`); the key id and the tenant ride in the
 * signed `data`, so rotation keeps issued challenges valid and one tenant's solution does not open another's gate.
 */
export class AltchaChallenges implements ProofOfWorkChallenges {
  constructor(private readonly deps: { keys: KeyRing; clock: Clock; settings: AltchaSettings }) {}

  async create(tenantId: string): Promise<Record<string, unknown>> {
    const { keys, clock, settings } = this.deps;
    const keyId = keys.currentId;
    const secret = this.secret(keyId)!;
    // altcha-lib's format, signed synchronously (see signChallengeSync): a refusal answer must stay cheap.
    // The expiry is kept in the signed data and checked against the app's clock (altcha-lib's own `expiresAt` is
    // checked against the system clock, which tests cannot move); the widget then simply never auto-expires.
    const challenge = signChallengeSync({
      cost: settings.cost,
      counter: randomCounter(settings.maxNumber),
      data: { k: keyId, t: tenantId, e: Math.floor(clock.now().getTime() / 1000) + settings.expiresSeconds },
      secret,
      keySecret: `${secret}:key`,
    });
    return challenge as unknown as Record<string, unknown>;
  }

  async verify(tenantId: string, payload: string): Promise<{ id: string; expiresAt: Date } | null> {
    const decoded = decode(payload);
    if (!decoded) return null;
    const { challenge, solution } = decoded;
    const data = challenge.parameters.data ?? {};
    if (data.t !== tenantId || typeof data.k !== 'string') return null;
    const secret = this.secret(data.k);
    const expiresAt = data.e;
    if (!secret || typeof expiresAt !== 'number' || expiresAt * 1000 <= this.deps.clock.now().getTime()) return null;
    const result = await verifySolution({
      challenge,
      solution,
      deriveKey,
      hmacSignatureSecret: secret,
      hmacKeySignatureSecret: `${secret}:key`,
    }).catch(() => null);
    if (!result?.verified || challenge.parameters.algorithm !== ALGORITHM) return null;
    return { id: challenge.parameters.salt, expiresAt: new Date(expiresAt * 1000) };
  }

  private secret(keyId: string): string | null {
    return this.deps.keys.subkey('pow-challenge', keyId)?.toString('hex') ?? null;
  }
}

/** Uniform in 0–maxNumber; node's `randomInt` draws from a pooled buffer, far cheaper than a WebCrypto call. */
function randomCounter(maxNumber: number): number {
  return randomInt(0, maxNumber + 1);
}

/** The widget's payload: base64 of `{ challenge: { parameters, signature }, solution }`; anything else is null. */
function decode(payload: string): { challenge: Challenge; solution: Solution } | null {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD) return null;
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as unknown;
    if (!isObject(value) || !isObject(value.challenge) || !isObject(value.solution)) return null;
    const { challenge, solution } = value;
    if (!isObject(challenge.parameters) || typeof challenge.signature !== 'string') return null;
    if (typeof solution.counter !== 'number' || typeof solution.derivedKey !== 'string') return null;
    const parameters = challenge.parameters;
    if (typeof parameters.salt !== 'string' || !/^[0-9a-f]{32}$/.test(parameters.salt)) return null;
    return { challenge: challenge as unknown as Challenge, solution: solution as unknown as Solution };
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
