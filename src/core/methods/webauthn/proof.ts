import type { ProofStrategy } from '../proof-strategy.js';
import { WEBAUTHN } from './kind.js';

/** A passkey's assertion answering the flow's challenge (`POST /reset/{flowId}/passkey/options`). */
export const webauthnProof: ProofStrategy = {
  descriptor: WEBAUTHN,

  async prove({ flow, input, client, account, usable }, { passkeys }) {
    // The flow's challenge is spent on every path; a decoy or a person who may not use passkeys is checked as
    // "no passkeys" (comparable work, same answer). Origin, RP ID, user verification, the credential's owner
    // and its signature counter are judged in Passkeys.verifyAssertion.
    if (!passkeys) return { ok: false, reason: 'wrong' };
    const result = await passkeys.verifyAssertion({ purpose: 'reset', owner: flow.id, account: usable ? account : null, response: input.credential ?? {}, client, flowId: flow.id });
    return result.ok ? { ok: true } : { ok: false, reason: 'wrong' };
  },

  choices({ registered }) {
    const mine = registered.filter((m) => m.kind === 'webauthn');
    return mine.length === 0 ? [] : [{ method: 'webauthn', label: { of: 'names', names: mine.map((m) => m.name) } }];
  },
};
