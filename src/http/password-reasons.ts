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
    if (reason.code === 'too_weak') {
      // The estimator's own feedback (English from zxcvbn-ts) follows the sentence when there is any.
      const extra = [reason.params?.warning, reason.params?.suggestions].filter((s) => typeof s === 'string' && s !== '');
      return [t(key, params), ...extra].join(' ');
    }
    return t(key, params);
  });
}
