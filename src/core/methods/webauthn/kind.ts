import type { MethodDescriptor } from '../method-descriptor.js';

/** A passkey or security key (WebAuthn assertion). */
export const WEBAUTHN = {
  kind: 'webauthn',
  family: 'webauthn',
  firstProof: { rank: 5 },
  choiceRank: 4,
  input: 'credential',
  signIn: 'step_up',
  testable: true,
} as const satisfies MethodDescriptor;
