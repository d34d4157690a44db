import type { Blocklist, StrengthEstimator } from '../ports/password-strength.js';
import type { BreachedPasswords } from './breached/breached-passwords.js';

/** The configurable password rules (NIST SP 800-63B 3.1.1.2). */
export interface PasswordRulesConfig {
  /** Fewest code points allowed. NIST: at least 8; 15 recommended when the password is the only factor. */
  minLength: number;
  /** Most code points allowed. NIST: at least 64 must be accepted. */
  maxLength: number;
  /** Lowest acceptable strength estimator score (0–4). */
  minScore: 0 | 1 | 2 | 3 | 4;
}

export const DEFAULT_PASSWORD_RULES: PasswordRulesConfig = { minLength: 8, maxLength: 256, minScore: 3 };

/** What we know about the account; a password containing any of it is easier to guess. */
export interface PasswordContext {
  username?: string;
  email?: string;
  displayName?: string;
  tenantId?: string;
  tenantName?: string;
}

/** Stable codes; the HTTP layer translates them via the i18n keys `password.reasons.<code>`. */
export type PasswordRejectionCode =
  /** Fewer code points than `minLength`. Params: `min`, `actual`. */
  | 'too_short'
  /** More code points than `maxLength`. Params: `max`, `actual`. */
  | 'too_long'
  /** Contains a control character (or a lone surrogate). No params. */
  | 'not_printable'
  /** On the blocklist of common/breached passwords. No params. */
  | 'too_common'
  /** In the offline Pwned Passwords filter (`password.breachedFilter`). No params. */
  | 'breached'
  /** Contains a context word. Param `word` names the field (`username`, `email`, `name`, `tenant`), never its value. */
  | 'contains_context'
  /**
   * Estimator score below `minScore`. Params: `score`, `minScore`, optional `warning`, `suggestions` (joined), and their
   * codes `warningCode`, `suggestionCodes` (space-separated).
   */
  | 'too_weak'
  /** The directory keeps a history of old passwords and this is one of them. No params. */
  | 'in_history'
  /** The directory's minimum password age has not passed since the last change. No params. */
  | 'too_young'
  /** The directory refused the change because the account is locked. No params. */
  | 'account_locked'
  /** The directory allows nothing but a change of the password the administrator set. No params. */
  | 'must_change'
  /** Any other rule of the directory's own password policy (a quality module, changes not allowed). No params. */
  | 'directory_policy';

export interface PasswordRejection {
  code: PasswordRejectionCode;
  params?: Record<string, string | number>;
}

export type PasswordCheckResult = { ok: true; score: number } | { ok: false; reasons: PasswordRejection[] };

/** Which context field a word came from; also the `word` param of `contains_context`. */
export type ContextField = 'username' | 'email' | 'name' | 'tenant';

/** Shorter context words would reject too many good passwords ("al" in "always"). */
const MIN_CONTEXT_WORD_LENGTH = 3;

// Cc covers tabs, newlines, NUL, DEL…; a lone surrogate (Cs) cannot be encoded as UTF-8, so the
// directory would store something other than what we checked.
const NOT_PRINTABLE = /[\p{Cc}\p{Cs}]/u;

/** The one normalisation used for blocklist and context comparisons: NFKC, then lowercase. */
export function normalizeForComparison(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

/** Length in Unicode code points, so an emoji or a CJK character counts as one. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** The context words of an account, normalised, each tagged with the field it came from. */
export function contextWords(context: PasswordContext): { field: ContextField; word: string }[] {
  const words: { field: ContextField; word: string }[] = [];
  const add = (field: ContextField, value: string | undefined) => {
    if (value === undefined) return;
    const word = normalizeForComparison(value.trim());
    if (codePointLength(word) < MIN_CONTEXT_WORD_LENGTH) return;
    if (!words.some((w) => w.field === field && w.word === word)) words.push({ field, word });
  };
  add('username', context.username);
  if (context.email !== undefined) {
    add('email', context.email);
    const at = context.email.lastIndexOf('@');
    if (at > 0) add('email', context.email.slice(0, at));
  }
  for (const part of splitWords(context.displayName)) add('name', part);
  add('tenant', context.tenantId);
  add('tenant', context.tenantName);
  for (const part of splitWords(context.tenantName)) add('tenant', part);
  return words;
}

function splitWords(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/[^\p{L}\p{M}\p{N}]+/u).filter((w) => w !== '');
}

/** Checks a candidate password against the rules, the blocklist, the account's context and the estimator. */
export class PasswordPolicy {
  private readonly rules: PasswordRulesConfig;
  private readonly blocklist: Blocklist;
  private readonly strength: StrengthEstimator;
  private readonly breached: BreachedPasswords | undefined;

  constructor(deps: { rules: PasswordRulesConfig; blocklist: Blocklist; strength: StrengthEstimator; breached?: BreachedPasswords }) {
    const { minLength, maxLength } = deps.rules;
    if (!Number.isInteger(minLength) || !Number.isInteger(maxLength) || minLength < 1 || maxLength < minLength) {
      throw new RangeError(`password rules: need integers 1 <= minLength <= maxLength, got ${minLength}..${maxLength}`);
    }
    this.rules = deps.rules;
    this.blocklist = deps.blocklist;
    this.strength = deps.strength;
    this.breached = deps.breached;
  }

  /** Every reason that applies, so the user can fix them all at once. Never echoes the password. */
  check(password: string, context: PasswordContext): PasswordCheckResult {
    const reasons: PasswordRejection[] = [];
    const { minLength, maxLength, minScore } = this.rules;

    // Counted on the whole input and never truncated: a long password is checked in full.
    const length = codePointLength(password);
    if (length < minLength) reasons.push({ code: 'too_short', params: { min: minLength, actual: length } });
    if (length > maxLength) reasons.push({ code: 'too_long', params: { max: maxLength, actual: length } });
    if (NOT_PRINTABLE.test(password)) reasons.push({ code: 'not_printable' });

    const normalized = normalizeForComparison(password);
    if (this.blocklist.has(normalized)) reasons.push({ code: 'too_common' });
    // The breach list hashes passwords exactly as they were (case and all), so it gets the input unnormalised.
    else if (this.breached?.has(password)) reasons.push({ code: 'breached' });

    const words = contextWords(context);
    const found = new Set<ContextField>();
    for (const { field, word } of words) {
      if (!found.has(field) && normalized.includes(word)) found.add(field);
    }
    for (const field of found) reasons.push({ code: 'contains_context', params: { word: field } });

    // The estimate is the costly part (and attacker-sized input): skip it when the length is already wrong,
    // or when the password is on the list (the estimator would only repeat "this is a common password").
    if (length < minLength || length > maxLength || reasons.some((r) => r.code === 'too_common' || r.code === 'breached')) return { ok: false, reasons };

    const estimate = this.strength.estimate(password, words.map((w) => w.word));
    if (estimate.score < minScore) {
      const params: Record<string, string | number> = { score: estimate.score, minScore };
      if (estimate.warning) params.warning = estimate.warning;
      if (estimate.suggestions.length > 0) params.suggestions = estimate.suggestions.join(' ');
      // The codes let a page say the same in the person's language (the sentences above are English).
      if (estimate.warningCode) params.warningCode = estimate.warningCode;
      if (estimate.suggestionCodes && estimate.suggestionCodes.length > 0) params.suggestionCodes = estimate.suggestionCodes.join(' ');
      reasons.push({ code: 'too_weak', params });
    }
    return reasons.length === 0 ? { ok: true, score: estimate.score } : { ok: false, reasons };
  }
}

const CONTEXT_LABELS: Record<ContextField, string> = {
  username: 'your username',
  email: 'your email address',
  name: 'your name',
  tenant: "your organisation's name",
};

/** A plain English sentence saying what to change, for the CLI; the portal and the API word reasons from the catalogue (`src/http/password-reasons.ts`). */
export function describeRejection(r: PasswordRejection): string {
  const p = r.params ?? {};
  switch (r.code) {
    case 'too_short':
      return `Use at least ${p.min} characters (this one has ${p.actual}).`;
    case 'too_long':
      return `Use at most ${p.max} characters (this one has ${p.actual}).`;
    case 'not_printable':
      return 'Remove control characters such as tabs or line breaks; letters, digits, symbols, spaces and emoji are all fine.';
    case 'too_common':
      return 'This password is one of the most commonly used passwords; choose something less predictable.';
    case 'breached':
      return 'This password has appeared in a data breach. Choose a different one.';
    case 'contains_context': {
      const label = CONTEXT_LABELS[p.word as ContextField] ?? 'personal details';
      return `Don't include ${label} in your password.`;
    }
    case 'too_weak':
      return ['This password is too easy to guess.', p.warning, p.suggestions]
        .filter((s) => s !== undefined && s !== '')
        .join(' ');
    case 'in_history':
      return 'You have used this password before; choose one you have not used recently.';
    case 'too_young':
      return 'This password was changed too recently to change it again yet; try again later.';
    case 'account_locked':
      return 'The account is locked, so its password cannot be changed this way; reset it instead, or ask your help desk.';
    case 'must_change':
      return 'An administrator set this password; change it to one of your own first.';
    case 'directory_policy':
      return "Your organisation's directory refused this password; try a longer or less predictable one.";
  }
}
