import { createRequire } from 'node:module';
import type { TranslationKeys } from '@zxcvbn-ts/core';
import { CompactRankedDictionary } from './compact-ranked-dictionary.js';

/** What the estimator keeps of zxcvbn's common and English language packs. */
export interface ZxcvbnLanguageData {
  dictionaries: Record<string, CompactRankedDictionary>;
  graphs: Record<string, Record<string, string[]>>;
  translations: TranslationKeys;
}

interface LanguagePack {
  dictionary: Record<string, unknown[]>;
  adjacencyGraphs?: ZxcvbnLanguageData['graphs'];
  translations?: ZxcvbnLanguageData['translations'];
}

let loaded: ZxcvbnLanguageData | undefined;

/**
 * The packs' word lists as compact tables, built once per process and shared by every estimator.
 *
 * The packs are loaded with `require` rather than `import` so that they can be unloaded again: their decompressed
 * word lists (a string per word, most of them concatenations that keep their pieces alive) and their source text
 * would otherwise stay in the heap for the life of the process, beside the compact tables made from them.
 */
export function zxcvbnLanguageData(): ZxcvbnLanguageData {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const packPaths = ['@zxcvbn-ts/language-common', '@zxcvbn-ts/language-en'].map((name) => require.resolve(name));
  const before = new Set(Object.keys(require.cache));
  try {
    const [common, en] = packPaths.map((path) => require(path) as LanguagePack) as [LanguagePack, LanguagePack];
    const dictionaries: Record<string, CompactRankedDictionary> = {};
    for (const [name, words] of Object.entries({ ...common.dictionary, ...en.dictionary })) dictionaries[name] = CompactRankedDictionary.from(words);
    if (!common.adjacencyGraphs || !en.translations) throw new Error('zxcvbn language packs without adjacency graphs or translations');
    loaded = { dictionaries, graphs: structuredClone(common.adjacencyGraphs), translations: structuredClone(en.translations) };
    return loaded;
  } finally {
    for (const path of Object.keys(require.cache)) if (!before.has(path)) delete require.cache[path];
  }
}
