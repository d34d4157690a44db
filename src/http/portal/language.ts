import type { i18n, TFunction } from 'i18next';
import { matchLanguage } from '../../core/i18n/language-match.js';

export { matchLanguage };

/** A translator for one language and namespace; values are not HTML-escaped (the templates escape once). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Languages that have the portal's texts loaded; English first when present. */
export function portalLanguages(instance: i18n): string[] {
  const loaded = Object.keys(instance.store?.data ?? {}).filter((lng) => instance.hasResourceBundle(lng, 'portal'));
  return loaded.sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}

/** A fixed translator; i18next's own escaping is switched off because Eta's `<%= %>` escapes. */
export function translatorFor(instance: i18n, lng: string, ns: string): Translate {
  const t: TFunction = instance.getFixedT(lng, ns);
  return (key, params = {}) => String(t(key, { ...params, interpolation: { escapeValue: false } }));
}
