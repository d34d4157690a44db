/**
 * Language ranges as browsers (Accept-Language, RFC 9110 §12.5.4) and directories (RFC 2798 `preferredLanguage`,
 * the same syntax) write them, matched against the loaded languages. Pure: the portal, the API and the mail
 * renderer all choose with this one function.
 */

/** The best of `available` for an Accept-Language header, or null when no range matches (or there is no header). */
export function matchLanguage(header: string | undefined, available: readonly string[]): string | null {
  if (!header || available.length === 0) return null;
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
  return null;
}

/** The language of a message: the first of `candidates` (flow, person, tenant) that matches a loaded one, else English. */
export function messageLanguage(candidates: ReadonlyArray<string | null | undefined>, available: readonly string[]): string {
  for (const candidate of candidates) {
    const match = matchLanguage(candidate ?? undefined, available);
    if (match !== null) return match;
  }
  return available.includes('en') ? 'en' : (available[0] ?? 'en');
}

/** A message's data field naming its language (`lang`), when one is known; nothing otherwise. */
export function languageMark(...candidates: ReadonlyArray<string | null | undefined>): { lang?: string } {
  const lang = candidates.find((c): c is string => typeof c === 'string' && c !== '');
  return lang === undefined ? {} : { lang: lang.slice(0, 250) };
}
