import type { DirectoryPasswordRules } from '../core/ports/directory.js';
import type { PasswordRejection } from '../core/password/password-policy.js';
import { directoryRuleLines } from './directory-rules.js';
import type { Translate } from './portal/language.js';

/**
 * A refusal stated by the directory itself (its reason carries a `directory` param, e.g. from the Active
 * Directory adapter), in plain words with the directory's own numbers: "requires characters of three
 * kinds…" instead of "try a longer one" to someone who typed a 28-character passphrase. Undefined for every
 * other reason, which keeps its usual text. The portal shows it under the password field; the API returns it
 * as the reason's `message` and `params.detail`.
 */
export function directoryReasonText(t: Translate, reason: PasswordRejection): string | undefined {
  const p = reason.params;
  if (p?.directory === undefined) return undefined;
  switch (reason.code) {
    case 'directory_policy':
      if (p.rule === 'complexity') return t('password.reasons.directory_complexity');
      if (p.rule === 'too_short') return t('password.reasons.directory_too_short');
      if (p.rule === 'unspecified') {
        const lines = directoryRuleLines(t, rulesOf(p));
        return lines.length > 0 ? t('password.reasons.directory_unspecified', { rules: lines.join('; ') }) : t('password.reasons.directory_unspecified_unknown');
      }
      return undefined;
    case 'too_short':
      return typeof p.min === 'number' ? t('password.reasons.directory_min_length', { count: p.min, actual: p.actual }) : undefined;
    case 'in_history':
      return typeof p.historyLength === 'number' ? t('password.reasons.directory_history', { count: p.historyLength }) : undefined;
    case 'too_young':
      // Whole hours, at least one, as the rules shown above the form count them.
      return typeof p.minAgeSeconds === 'number' ? t('password.reasons.directory_min_age', { count: Math.max(1, Math.round(p.minAgeSeconds / 3600)) }) : undefined;
    default:
      return undefined;
  }
}

/** The rules an unspecified refusal carries, as the password page lists them. */
function rulesOf(p: Record<string, string | number>): DirectoryPasswordRules {
  const number = (key: string) => (typeof p[key] === 'number' ? p[key] : undefined);
  return { minLength: number('minLength'), historyLength: number('historyLength'), complexity: p.complexity === 1, minAgeSeconds: number('minAgeSeconds') };
}
