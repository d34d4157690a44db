import { proveRegisteredCode } from '../registered-code-proof.js';
import type { ProofStrategy } from '../proof-strategy.js';
import { TOTP } from './kind.js';

/** A current code from one of the person's authenticator apps (each step counts once). */
export const totpProof: ProofStrategy = {
  descriptor: TOTP,
  prove: (attempt, deps) => proveRegisteredCode('totp', attempt, deps),
  choices({ registered }) {
    const mine = registered.filter((m) => m.kind === 'totp');
    return mine.length === 0 ? [] : [{ method: 'totp', label: { of: 'names', names: mine.map((m) => m.name) } }];
  },
};
