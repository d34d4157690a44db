import { codePointLength, type PasswordRejection } from '../../core/password/password-policy.js';
import type { AdPasswordProblem } from './ad-errors.js';
import type { AdPasswordRules } from './ad-password-rules.js';

/**
 * What to tell a person whose new password AD refused, as reasons with numbers, not sentences: the portal
 * and the API word them in the person's language (`src/http/directory-reasons.ts`). Windows only says
 * "password restriction" (0000052D) without naming the rule, so the reason then carries every rule AD might
 * have applied, with the numbers read from the domain (or the person's PSO). Samba names the rule, so the
 * reason can be exact. Every reason carries `directory: 'active_directory'`, which marks it as the
 * directory's own rule; never the password.
 */

/** The `directory` param of every reason from AD. */
export const AD_REASON_SOURCE = 'active_directory';

/** The reasons for `password_rejected` when AD refused `password` with `problem`. */
export function adRejectionReasons(
  problem: AdPasswordProblem,
  rules: AdPasswordRules | null,
  password: string,
  minLengthFromAd?: number,
): PasswordRejection[] {
  const directory = AD_REASON_SOURCE;
  switch (problem) {
    case 'too_short': {
      const min = minLengthFromAd ?? rules?.minLength;
      if (min === undefined) return [{ code: 'directory_policy', params: { directory, rule: 'too_short' } }];
      return [{ code: 'too_short', params: { directory, min, actual: codePointLength(password) } }];
    }
    case 'complexity':
      return [{ code: 'directory_policy', params: { directory, rule: 'complexity' } }];
    case 'history':
      return [{ code: 'in_history', params: rules && rules.historyLength > 0 ? { directory, historyLength: rules.historyLength } : { directory } }];
    case 'too_young':
      return [{ code: 'too_young', params: rules && rules.minAgeSeconds > 0 ? { directory, minAgeSeconds: rules.minAgeSeconds } : { directory } }];
    case 'unspecified': {
      if (!rules) return [{ code: 'directory_policy', params: { directory, rule: 'unspecified' } }];
      // Every rule the domain (or PSO) has on: AD did not say which one this password broke.
      const { minLength, historyLength, minAgeSeconds } = rules;
      return [{ code: 'directory_policy', params: { directory, rule: 'unspecified', minLength, complexity: rules.complexity ? 1 : 0, historyLength, minAgeSeconds } }];
    }
  }
}
