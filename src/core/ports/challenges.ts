/** Which ceremony a challenge is for; a challenge issued for one never serves another. */
export type ChallengePurpose = 'register' | 'reset' | 'signin' | 'signin_sms' | 'method_test' | 'admin_signin';

/** A challenge taken back from the store: what was issued, and the context stored with it. */
export interface TakenChallenge {
  challenge: string;
  context: Record<string, unknown>;
}

/**
 * Single-use WebAuthn challenges, bound to one owner (a reset flow's internal id, or the SHA-256 of a
 * session token) and one purpose. `method_test` (testing a registered method: a passkey's challenge, or the
 * HMAC of a code texted or mailed to it) is owned by the session's token hash joined with the method id.
 *
 * - `issue` replaces any earlier challenge of the same owner and purpose: only the newest options are
 *   answerable, so an attacker cannot stockpile challenges for later.
 * - `take` removes the live challenge atomically and returns it: it is spent whether the assertion that
 *   follows is good or not, and two requests racing with the same assertion cannot both get it.
 *   Expired challenges are never returned.
 */
export interface ChallengeStore {
  issue(input: { purpose: ChallengePurpose; owner: string; challenge: string; context?: Record<string, unknown>; expiresAt: Date }, now: Date): Promise<void>;
  take(purpose: ChallengePurpose, owner: string, now: Date): Promise<TakenChallenge | null>;
}
