import { hashHandle } from '../../crypto/secrets.js';
import type { ProofStrategy, ProofVerdict } from '../proof-strategy.js';
import { normaliseAccessPass } from './access-pass-code.js';
import { ACCESS_PASS } from './kind.js';

/** What spending a pass found, as the audit trail says it: a spent pass presented again is a replay. */
const VERDICTS: Record<'ok' | 'expired' | 'used' | 'wrong', ProofVerdict> = {
  ok: { ok: true },
  used: { ok: false, reason: 'replayed' },
  expired: { ok: false, reason: 'expired' },
  wrong: { ok: false, reason: 'wrong' },
};

/**
 * A temporary access pass (`code`, grouped or not): one use of the person's live pass with this hash is spent,
 * atomically in the store. Never a second-proof choice: it completes the proofs on its own.
 */
export const accessPassProof: ProofStrategy = {
  descriptor: ACCESS_PASS,

  async prove({ flow, account, usable, candidate }, { accessPasses, clock }) {
    if (!accessPasses) return VERDICTS.wrong;
    const pass = normaliseAccessPass(candidate);
    // Every flow asks the store once: a decoy, a person who may not use passes, or a malformed pass asks for
    // nobody's pass (subject ''), finds nothing after the same work, and fails like a wrong code.
    const owner = usable && account && pass !== null ? account.id : '';
    return VERDICTS[await accessPasses.spend(null, flow.tenantId, owner, hashHandle(pass ?? candidate), clock.now())];
  },
};
