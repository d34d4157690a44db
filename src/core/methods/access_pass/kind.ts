import type { MethodDescriptor } from '../method-descriptor.js';
import { ACCESS_PASS_LENGTH } from './access-pass-code.js';

/**
 * A temporary access pass from the helpdesk, issued after the agent verified the caller. Every flow offers it
 * at the first step (real or decoy, so offering it tells nothing); a valid one completes the reset alone.
 */
export const ACCESS_PASS = {
  kind: 'access_pass',
  family: 'access_pass',
  firstProof: { rank: 6 },
  choiceRank: 8,
  input: 'code',
  codeShape: { chars: 'alphanumeric', length: ACCESS_PASS_LENGTH },
  // The helpdesk verified the caller before issuing it: it stands in for their strongest method, and for every proof.
  honoursStrongest: true,
  completesAlone: true,
} as const satisfies MethodDescriptor;
