import type { ProofVerdict } from './proof-strategy.js';
import type { ProofAttempt, ProofDeps } from './proof-strategy.js';
import type { CodeMethod } from './method-verifier.js';

/**
 * A code checked against the person's registered methods of one kind (an authenticator app's, a backup
 * code), spent atomically by the verifier. Without the method, or for a decoy, the same work is done against
 * dummies, so a wrong code takes about as long whatever is registered.
 */
export async function proveRegisteredCode(kind: CodeMethod, { account, usable, candidate }: ProofAttempt, { verifier }: ProofDeps): Promise<ProofVerdict> {
  if (!usable || !account) {
    await verifier.spendEquivalentTime(kind, candidate);
    return { ok: false, reason: 'wrong' };
  }
  const result = await verifier.verify(account, kind, candidate);
  if (result.ok) return { ok: true };
  // An app's code for a step already spent, within the window: the right code, a few seconds too late (most often the one
  // that just registered the app). Only someone who holds the seed can produce it, so it is not counted as a guess.
  if (kind === 'totp' && result.reason === 'replayed') return { ok: false, reason: 'replayed', spentStep: true };
  // A spent backup code presented again is a replay (often a shoulder-surfed code).
  return { ok: false, reason: result.reason === 'replayed' || result.reason === 'used' ? 'replayed' : 'wrong' };
}
