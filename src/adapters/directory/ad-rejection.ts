import { codePointLength, type PasswordRejection } from '../../core/password/password-policy.js';
import type { AdPasswordProblem } from './ad-errors.js';
import type { AdPasswordRules } from './ad-password-rules.js';

/**
 * What to tell a person whose new password AD refused. Windows only says "password restriction"
 * (0000052D) without naming the rule, so the reason then lists every rule AD might have applied, with the
 * numbers read from the domain (or the person's PSO). Samba names the rule, so the reason can be exact.
 * Each reason carries `detail`, a plain sentence; never the password.
 */

/** The reasons for `password_rejected` when AD refused `password` with `problem`. */
export function adRejectionReasons(
  problem: AdPasswordProblem,
  rules: AdPasswordRules | null,
  password: string,
  minLengthFromAd?: number,
): PasswordRejection[] {
  switch (problem) {
    case 'too_short': {
      const min = minLengthFromAd ?? rules?.minLength;
      const actual = codePointLength(password);
      if (min === undefined) return [policy('too_short', 'AD requires a longer password.')];
      return [{ code: 'too_short', params: { min, actual, detail: `AD requires at least ${min} characters.` } }];
    }
    case 'complexity':
      return [policy('complexity', `AD's rules: this password does not meet complexity — AD requires ${complexityText}.`)];
    case 'history':
      return [
        {
          code: 'in_history',
          params: {
            detail: rules && rules.historyLength > 0
              ? `AD remembers your last ${plural(rules.historyLength, 'password')}; choose one you have not used before.`
              : 'AD remembers your recent passwords; choose one you have not used before.',
          },
        },
      ];
    case 'too_young':
      return [
        {
          code: 'too_young',
          params: {
            detail: rules && rules.minAgeSeconds > 0
              ? `AD allows one change every ${duration(rules.minAgeSeconds)}; try again later or ask your help desk to reset it.`
              : 'AD allows only one change in a while; try again later or ask your help desk to reset it.',
          },
        },
      ];
    case 'unspecified':
      return [policy('unspecified', unspecifiedText(rules))];
  }
}

/** The complexity rule as AD documents it ("Password must meet complexity requirements"). */
const complexityText =
  'characters from at least three of: upper-case letters, lower-case letters, digits, and symbols; ' +
  'and no part of your account name or full name';

function unspecifiedText(rules: AdPasswordRules | null): string {
  const lead = "AD's rules: this password was used recently, is too young to change, or does not meet complexity";
  if (!rules) return `${lead}. Try a longer password you have not used before, or ask your help desk.`;
  const requires = [`at least ${plural(rules.minLength, 'character')}`];
  if (rules.complexity) requires.push(complexityText);
  if (rules.historyLength > 0) requires.push(`not one of your last ${plural(rules.historyLength, 'password')}`);
  if (rules.minAgeSeconds > 0) requires.push(`at most one change every ${duration(rules.minAgeSeconds)}`);
  return `${lead} — AD requires ${requires.join('; ')}.`;
}

function policy(rule: string, detail: string): PasswordRejection {
  return { code: 'directory_policy', params: { rule, detail } };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Seconds in the largest whole unit that fits: "1 day", "36 hours", "15 minutes". */
export function duration(seconds: number): string {
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return plural(seconds / size, name);
  }
  for (const [size, name] of units) {
    if (seconds >= size) return plural(Math.round(seconds / size), name);
  }
  return plural(seconds, 'second');
}
