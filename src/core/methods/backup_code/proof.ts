import { proveRegisteredCode } from '../registered-code-proof.js';
import type { ProofStrategy } from '../proof-strategy.js';
import { BACKUP_CODE } from './kind.js';

/** One of the person's backup codes, spent by the proof. */
export const backupCodeProof: ProofStrategy = {
  descriptor: BACKUP_CODE,
  prove: (attempt, deps) => proveRegisteredCode('backup_code', attempt, deps),
  choices({ registered }) {
    const left = registered.filter((m) => m.kind === 'backup_code').length;
    return left === 0 ? [] : [{ method: 'backup_code', label: { of: 'left', left } }];
  },
};
