import type { ProofMethod } from '../../core/reset/reset-flow.js';
import type { Translate } from './language.js';

/** Digits of an authenticator app's code (the RFC 6238 default that apps support). */
export const TOTP_DIGITS = 6;

/** Separators people type or paste inside a code: spaces, and dashes of every kind. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

/** A method proven with a typed code: the first-proof ones, and a texted code (second proof only, `/reset/second`). */
export type CodeMethod = ProofMethod | 'sms_code';

/** The translation key prefix of each method's texts on the code pages. */
export const METHOD_TEXTS: Record<CodeMethod, string> = {
  email_code: 'reset_code.code',
  totp: 'reset_code.totp',
  backup_code: 'reset_code.backup_code',
  sms_code: 'reset_code.sms_code',
};

/**
 * The code as sent to core, or why it cannot be a code of that method. The check is loose (the right
 * length of digits, or of letters and digits for a backup code) and depends only on what was typed,
 * never on the account: a malformed entry is a typo, so it costs no attempt, for everyone alike.
 */
export function checkProofCode(t: Translate, method: CodeMethod, typed: string, emailDigits: number): { code: string; error: string | null } {
  const code = typed.normalize('NFKC').replace(SEPARATORS, '');
  const texts = METHOD_TEXTS[method];
  if (code === '') return { code, error: t(`${texts}.required`) };
  if (method === 'backup_code') {
    return /^[A-Za-z0-9]{12}$/.test(code) ? { code: code.toUpperCase(), error: null } : { code, error: t(`${texts}.format`) };
  }
  // Emailed and texted codes have the configured length; an app's code has 6 digits.
  const digits = method === 'totp' ? TOTP_DIGITS : emailDigits;
  return /^[0-9]+$/.test(code) && code.length === digits ? { code, error: null } : { code, error: t(`${texts}.format`, { digits }) };
}

/** What a wrong code of a method says: the same for every account, whether it has the method or not. */
export function wrongCodeMessage(t: Translate, method: CodeMethod, attemptsLeft: number): string {
  return t(`${METHOD_TEXTS[method]}.wrong`, { count: attemptsLeft });
}

/** The method a form or address names, or null for anything else. */
export function proofMethodOf(value: string): ProofMethod | null {
  return value === 'email_code' || value === 'totp' || value === 'backup_code' ? value : null;
}
