import type { MethodDescriptor } from '../method-descriptor.js';

/** Digits of an authenticator app's code (the RFC 6238 default that apps support). */
export const TOTP_DIGITS = 6;

/** A code from an authenticator app (RFC 6238). */
export const TOTP = {
  kind: 'totp',
  family: 'totp',
  firstProof: { rank: 3 },
  choiceRank: 5,
  input: 'code',
  codeShape: { chars: 'digits', length: TOTP_DIGITS },
  signIn: 'step_up',
  registrable: true,
  testable: true,
} as const satisfies MethodDescriptor;
