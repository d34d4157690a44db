import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A text catalogue of one language: namespace → flat key → text (nested JSON flattened with dots). */
export type Catalogue = Record<string, Map<string, string>>;

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Nested JSON as `a.b.c → text`. */
export function flatten(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flatten(inner, prefix === '' ? key : `${prefix}.${key}`, out);
  } else {
    out.set(prefix, String(value));
  }
  return out;
}

/** Every `<lng>/<ns>.json` of a locales folder. */
export function readCatalogues(dir: string): Record<string, Catalogue> {
  const result: Record<string, Catalogue> = {};
  for (const lng of readdirSync(dir, { withFileTypes: true })) {
    if (!lng.isDirectory()) continue;
    const catalogue: Catalogue = {};
    for (const file of readdirSync(join(dir, lng.name))) {
      if (file.endsWith('.json')) catalogue[file.slice(0, -5)] = flatten(JSON.parse(readFileSync(join(dir, lng.name, file), 'utf8')));
    }
    result[lng.name] = catalogue;
  }
  return result;
}

/** The `{{name}}` placeholders of a text (formats such as `{{when, datetime}}` count by name), sorted. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();
}

/** The plural groups of a namespace: base key → the categories it has (`item_one`, `item_other` → item: one, other). */
function pluralGroups(keys: Iterable<string>): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const key of keys) {
    const match = PLURAL.exec(key);
    if (!match) continue;
    const base = key.slice(0, -match[0].length);
    (groups.get(base) ?? groups.set(base, new Set()).get(base)!).add(match[1]!);
  }
  // Ordinary keys that happen to end so (`too_few`, `too_many`) are no group: a group has an `_other` form and another.
  for (const [base, forms] of groups) if (forms.size < 2 || !forms.has('other')) groups.delete(base);
  return groups;
}

/** The keys a language must have for one namespace: English's, with each plural group in the language's own categories. */
export function expectedKeys(english: Map<string, string>, lng: string): Map<string, string> {
  const groups = pluralGroups(english.keys());
  const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[];
  const expected = new Map<string, string>();
  for (const [key, text] of english) {
    const match = PLURAL.exec(key);
    const base = match ? key.slice(0, -match[0].length) : null;
    if (base !== null && groups.has(base)) {
      // The English `_other` is the reference text of every form (its placeholders).
      for (const category of categories) expected.set(`${base}_${category}`, english.get(`${base}_other`) ?? text);
    } else {
      expected.set(key, text);
    }
  }
  return expected;
}

/**
 * What is wrong with the languages of a locales folder against English: a namespace file missing, a key missing or
 * not in English, a plural group without one of the language's categories (`Intl.PluralRules`), placeholders that
 * differ from English (`count` may be left out of a plural form: "one minute"). One line per problem.
 */
export function catalogueProblems(dir: string): string[] {
  const all = readCatalogues(dir);
  const english = all.en;
  if (!english) return [`${dir}: no en folder`];
  const problems: string[] = [];
  for (const [lng, catalogue] of Object.entries(all)) {
    for (const ns of Object.keys(english)) {
      const texts = catalogue[ns];
      if (!texts) {
        problems.push(`${lng}/${ns}.json: missing file`);
        continue;
      }
      const expected = expectedKeys(english[ns]!, lng);
      const groups = pluralGroups(english[ns]!.keys());
      for (const [key, reference] of expected) {
        const text = texts.get(key);
        if (text === undefined) {
          problems.push(`${lng}/${ns}.json: missing key "${key}"`);
          continue;
        }
        const plural = PLURAL.test(key) && groups.has(key.replace(PLURAL, ''));
        const want = placeholders(reference).filter((p) => !(plural && p === 'count'));
        const have = placeholders(text).filter((p) => !(plural && p === 'count'));
        if (want.join(',') !== have.join(',')) problems.push(`${lng}/${ns}.json: "${key}" has placeholders {${have.join(', ')}}, English {${want.join(', ')}}`);
      }
      for (const key of texts.keys()) if (!expected.has(key)) problems.push(`${lng}/${ns}.json: key "${key}" is not in English`);
    }
    for (const ns of Object.keys(catalogue)) if (!english[ns]) problems.push(`${lng}/${ns}.json: no such namespace in English`);
  }
  return problems;
}

/** Everything the code and templates could name a key with: `src/**` `.ts` and `.eta`. */
export function sourceText(root: string): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.eta')) parts.push(readFileSync(path, 'utf8'));
    }
  };
  if (existsSync(root)) walk(root);
  return parts.join('\n');
}

/**
 * English keys that nothing uses: a key is used when the source names it whole (plural forms by their base), or
 * when it matches one of the namespace's `dynamic` patterns (keys built at run time, listed with where).
 */
export function unusedKeys(english: Catalogue, source: string, dynamic: Record<string, readonly RegExp[]>): string[] {
  const unused: string[] = [];
  for (const [ns, texts] of Object.entries(english)) {
    for (const key of texts.keys()) {
      const base = key.replace(PLURAL, '');
      if (source.includes(key) || (base !== key && source.includes(`'${base}'`))) continue;
      if ((dynamic[ns] ?? []).some((pattern) => pattern.test(key))) continue;
      unused.push(`${ns}: ${key}`);
    }
  }
  return unused;
}
