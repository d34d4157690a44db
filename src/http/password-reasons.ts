import type { i18n } from 'i18next';
import { describeRejection, type PasswordRejection } from '../core/password/password-policy.js';
import { directoryReasonText } from './directory-reasons.js';
import type { Translate } from './portal/language.js';

/**
 * Every reason a password was refused, in plain words of the page's language: the
 * `password.reasons.<code>` texts of the `portal` namespace, with the rule's params. A reason
 * without a text in the catalogue falls back to core's English sentence rather than a bare code.
 */
export function describeReasons(instance: i18n, lang: string, t: Translate, reasons: readonly PasswordRejection[]): string[] {
  return reasons.map((reason) => {
    // The directory's own rule, with its numbers, before the general sentence of the code.
    const stated = directoryReasonText(t, reason);
    if (stated !== undefined) return stated;
    const key = `password.reasons.${reason.code}`;
    if (!instance.exists(key, { lng: lang, ns: 'portal' })) return describeRejection(reason);
    const params: Record<string, unknown> = { ...reason.params };
    if (reason.code === 'contains_context') {
      const word = String(reason.params?.word ?? '');
      const labelKey = `password.context.${word}`;
      params.what = instance.exists(labelKey, { lng: lang, ns: 'portal' }) ? t(labelKey) : t('password.context.other');
    }
    if (reason.code === 'too_weak') return [t(key, params), ...estimatorFeedback(instance, lang, t, reason)].join(' ');
    return t(key, params);
  });
}

/**
 * The estimator's own feedback after the too-weak sentence: each warning and suggestion by its code in the page's
 * language (`password.estimator.*`), else the estimator's English sentence.
 */
function estimatorFeedback(instance: i18n, lang: string, t: Translate, reason: PasswordRejection): string[] {
  const p = reason.params ?? {};
  const codes = typeof p.suggestionCodes === 'string' && p.suggestionCodes !== '' ? p.suggestionCodes.split(' ') : [];
  const worded = (group: 'warnings' | 'suggestions', code: unknown): string | undefined => {
    const key = `password.estimator.${group}.${String(code)}`;
    return typeof code === 'string' && instance.exists(key, { lng: lang, ns: 'portal' }) ? t(key) : undefined;
  };
  const warning = worded('warnings', p.warningCode) ?? p.warning;
  const suggestions = codes.length > 0 && codes.every((c) => worded('suggestions', c) !== undefined) ? codes.map((c) => worded('suggestions', c)!) : [p.suggestions];
  return [warning, ...suggestions].filter((s): s is string => typeof s === 'string' && s !== '');
}
