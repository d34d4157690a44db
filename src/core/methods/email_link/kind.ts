import type { MethodDescriptor } from '../method-descriptor.js';

/** The link riding in the same mail as the code: the same mailbox, so the same family. */
export const EMAIL_LINK = {
  kind: 'email_link',
  family: 'email',
  firstProof: { rank: 2 },
  choiceRank: 2,
  input: 'token',
} as const satisfies MethodDescriptor;
