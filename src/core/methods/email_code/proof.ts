import { maskEmail } from '../../identity/mask.js';
import { distinctAddresses } from './contact-emails.js';
import { directoryEmailOf } from '../directory-contacts.js';
import type { ProofStrategy } from '../proof-strategy.js';
import { EMAIL_CODE } from './kind.js';

/** The code mailed when the flow started (to every trusted address of the person). */
export const emailCodeProof: ProofStrategy = {
  descriptor: EMAIL_CODE,

  async prove({ usable, candidate, emailCodeMatches }, { codeDigits }) {
    const ok = emailCodeMatches && usable && /^[0-9]+$/.test(candidate) && candidate.length === codeDigits;
    return ok ? { ok: true } : { ok: false, reason: 'wrong' };
  },

  // Every address the code went to: the directory's and the confirmed extra ones.
  choices({ account, decision, registered, server }) {
    const extra = registered.filter((m) => m.kind === 'email_code' && typeof m.data.email === 'string').map((m) => String(m.data.email));
    const addresses = distinctAddresses([directoryEmailOf(account, decision) ?? undefined, ...extra]);
    return addresses.length > 0 && server.codeLive ? [{ method: 'email_code', label: { of: 'masked', masked: addresses.map(maskEmail) } }] : [];
  },
};
