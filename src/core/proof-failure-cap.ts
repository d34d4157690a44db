import type { Limiter } from './ports/limiter.js';

/**
 * The per-account cap of consecutive failed proofs (bucket `proof_failures`, at most 100 by config, NIST SP
 * 800-63B): every wrong code, link, passkey or answer of a reset, unlock or security-info sign-in counts for
 * the account, whichever flow, method or spelling of the identifier it came through; a successful proof ends
 * the run. Once the cap is reached, self-service proofs for the account pause until the window runs out.
 * Nothing is written to the directory, so the person's normal sign-in is never locked by it.
 *
 * `key` is `tenant:accountLimitKey(…)`. Decoy flows count under their identifier's key with the same calls,
 * so a paused unknown identifier answers exactly like a paused account.
 */
export class ProofFailureCap {
  constructor(private readonly limiter: Limiter) {}

  /** Null while proofs may go on; otherwise the seconds until they may (nothing is counted). */
  async pausedFor(key: string): Promise<number | null> {
    const decision = await this.limiter.peek('proof_failures', key);
    return decision.allowed ? null : decision.retryAfterSeconds;
  }

  /**
   * Counts one failed proof. True when this one reached the cap: the pause starts now, and the caller audits
   * it (once; failures that race past the cap are refused by the limiter and say false).
   */
  async failed(key: string): Promise<boolean> {
    const decision = await this.limiter.consume('proof_failures', key);
    if (!decision.allowed) return false;
    // A limiter that does not say what is left is asked once more, without counting.
    const left = decision.remaining ?? ((await this.limiter.peek('proof_failures', key)).allowed ? 1 : 0);
    return left <= 0;
  }

  /** A successful proof ends the run of failures. */
  async succeeded(key: string): Promise<void> {
    await this.limiter.clear('proof_failures', key);
  }
}
