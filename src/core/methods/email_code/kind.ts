import type { MethodDescriptor } from '../method-descriptor.js';

/** A code mailed to the directory's address and the person's confirmed extra addresses. */
export const EMAIL_CODE = {
  kind: 'email_code',
  family: 'email',
  firstProof: { rank: 1 },
  choiceRank: 1,
  input: 'code',
  codeShape: { chars: 'digits', length: 'configured' },
  registrable: true,
  testable: true,
} as const satisfies MethodDescriptor;
