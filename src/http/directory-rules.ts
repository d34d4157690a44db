import type { DirectoryPasswordRules } from '../core/ports/directory.js';
import type { Translate } from './portal/language.js';

/** The directory's own password rules as sentences for the password page, one per rule it stated. */
export function directoryRuleLines(t: Translate, rules: DirectoryPasswordRules): string[] {
  const lines: string[] = [];
  if (rules.minLength !== undefined) lines.push(t('directory_rules.min_length', { count: rules.minLength }));
  if (rules.complexity) lines.push(t('directory_rules.complexity'));
  if (rules.historyLength !== undefined && rules.historyLength > 0) lines.push(t('directory_rules.history', { count: rules.historyLength }));
  if (rules.minAgeSeconds !== undefined && rules.minAgeSeconds > 0) lines.push(t('directory_rules.min_age', { count: Math.max(1, Math.round(rules.minAgeSeconds / 3600)) }));
  return lines;
}
