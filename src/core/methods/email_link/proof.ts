import { constantTimeEqualHex } from '../../crypto/key-ring.js';
import { hashHandle } from '../../crypto/secrets.js';
import type { ProofStrategy } from '../proof-strategy.js';
import { EMAIL_LINK } from './kind.js';

/** The link mailed with the code (never a second-proof choice: it rides in the code's mail). */
export const emailLinkProof: ProofStrategy = {
  descriptor: EMAIL_LINK,

  async prove({ flow, input, usable }) {
    // The link's token is a second handle of this flow, stored as SHA-256 like the flow id itself.
    const presented = hashHandle((input.token ?? '').trim());
    const ok = constantTimeEqualHex(presented, flow.linkHash ?? '') && flow.linkHash !== null && usable;
    return ok ? { ok: true } : { ok: false, reason: 'wrong' };
  },
};
