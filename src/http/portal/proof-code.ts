import { CODE_KINDS, descriptorOf, FIRST_PROOF_KINDS, type CodeKind } from '../../core/methods/method-kinds.js';
import type { ProofMethod } from '../../core/reset/reset-flow.js';
import type { Translate } from './language.js';

export { TOTP_DIGITS } from '../../core/methods/totp/kind.js';

/** Separators people type or paste inside a code: spaces, and dashes of every kind. */
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

/** A method proven with a typed code: the first-proof ones, and a texted code (second proof only, `/reset/second`). */
export type CodeMethod = CodeKind;

/** The methods a first proof can be typed with on `/reset/code` (from the method list). */
export const PROOF_METHODS: readonly ProofMethod[] = FIRST_PROOF_KINDS.filter((kind): kind is ProofMethod => descriptorOf(kind).input === 'code');

/**
 * The translation key prefix of each method's texts on the code pages: `reset_code.<kind>`, except the emailed
 * code, the first and main path, whose texts came first as `reset_code.code`.
 */
export const METHOD_TEXTS = Object.fromEntries(CODE_KINDS.map((kind) => [kind, kind === 'email_code' ? 'reset_code.code' : `reset_code.${kind}`])) as Record<CodeMethod, string>;

/** How many characters a code of a method has (the emailed and texted ones: the configured number of digits). */
export function codeLength(method: CodeMethod, emailDigits: number): number {
  const shape = descriptorOf(method).codeShape!;
  return shape.length === 'configured' ? emailDigits : shape.length;
}

/** Whether a method's code is digits only (a numeric keyboard fits it). */
export function isNumericCode(method: CodeMethod): boolean {
  return descriptorOf(method).codeShape?.chars === 'digits';
}

/**
 * The code as sent to core, or why it cannot be a code of that method. The check is loose (the right
 * length of digits, or of letters and digits for a backup code) and depends only on what was typed,
 * never on the account: a malformed entry is a typo, so it costs no attempt, for everyone alike.
 */
export function checkProofCode(t: Translate, method: CodeMethod, typed: string, emailDigits: number): { code: string; error: string | null } {
  const code = typed.normalize('NFKC').replace(SEPARATORS, '');
  const texts = METHOD_TEXTS[method];
  if (code === '') return { code, error: t(`${texts}.required`) };
  const digits = codeLength(method, emailDigits);
  if (!isNumericCode(method)) {
    return new RegExp(`^[A-Za-z0-9]{${digits}}$`).test(code) ? { code: code.toUpperCase(), error: null } : { code, error: t(`${texts}.format`) };
  }
  // Emailed and texted codes have the configured length; an app's code has 6 digits.
  return /^[0-9]+$/.test(code) && code.length === digits ? { code, error: null } : { code, error: t(`${texts}.format`, { digits }) };
}

/**
 * What a wrong code of a method says: the same for every account, whether it has the method or not. `spentStep`
 * (core's word for an authenticator's right code whose step was already used, which cost no attempt): wait for the next code.
 */
export function wrongCodeMessage(t: Translate, method: CodeMethod, attemptsLeft: number, spentStep = false): string {
  if (spentStep) return t('reset_code.totp.spent_step', { count: attemptsLeft });
  return t(`${METHOD_TEXTS[method]}.wrong`, { count: attemptsLeft });
}

/** The first-proof code method a form or address names, or null for anything else. */
export function proofMethodOf(value: string): ProofMethod | null {
  return PROOF_METHODS.find((kind) => kind === value) ?? null;
}
