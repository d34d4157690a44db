import type { i18n, TFunction } from 'i18next';

/** A translator for one language and namespace; values are not HTML-escaped (the templates escape once). */
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** Languages that have the portal's texts loaded; English first when present. */
export function portalLanguages(instance: i18n): string[] {
  const loaded = Object.keys(instance.store?.data ?? {}).filter((lng) => instance.hasResourceBundle(lng, 'portal'));
  return loaded.sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));
}

/**
 * Picks the best of `available` for an Accept-Language header (RFC 9110 §12.5.4: ranges with
 * q-values; a range matches a language or its primary subtag). Defaults to English.
 */
export function pickLanguage(header: string | undefined, available: readonly string[], fallback = 'en'): string {
  if (!header || available.length === 0) return available.includes(fallback) ? fallback : (available[0] ?? fallback);
  const ranges = header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number.parseFloat(q.slice(2));
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((r) => r.tag.length > 0 && r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  const lower = available.map((lng) => lng.toLowerCase());
  for (const { tag } of ranges) {
    if (tag === '*') break;
    const exact = lower.indexOf(tag);
    if (exact >= 0) return available[exact] as string;
    const primary = tag.split('-')[0] ?? tag;
    const partial = lower.findIndex((lng) => lng === primary || lng.split('-')[0] === primary);
    if (partial >= 0) return available[partial] as string;
  }
  return available.includes(fallback) ? fallback : (available[0] ?? fallback);
}

/** A fixed translator; i18next's own escaping is switched off because Eta's `<%= %>` escapes. */
export function translatorFor(instance: i18n, lng: string, ns: string): Translate {
  const t: TFunction = instance.getFixedT(lng, ns);
  return (key, params = {}) => String(t(key, { ...params, interpolation: { escapeValue: false } }));
}
