import type { MethodDescriptor } from '../method-descriptor.js';

/** One of the person's single-use backup codes. */
export const BACKUP_CODE = {
  kind: 'backup_code',
  family: 'backup_code',
  firstProof: { rank: 4 },
  choiceRank: 6,
  input: 'code',
  codeShape: { chars: 'alphanumeric', length: 12 },
  signIn: 'step_up',
  // The lost-factor path: a person who lost their passkey or phone app still holds the codes they saved.
  honoursStrongest: true,
  registrable: true,
} as const satisfies MethodDescriptor;
