import type { MethodDescriptor } from '../method-descriptor.js';

/** A code texted to a registered phone (or the directory's, when trusted): a second proof only. */
export const SMS_CODE = {
  kind: 'sms_code',
  family: 'sms_code',
  choiceRank: 3,
  input: 'code',
  codeShape: { chars: 'digits', length: 'configured' },
  signIn: 'fallback',
  registrable: true,
  testable: true,
} as const satisfies MethodDescriptor;
