import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import { describe, expect, it } from 'vitest';
import { CompactRankedDictionary } from '../../src/adapters/password/compact-ranked-dictionary.js';
import { ZxcvbnEstimator } from '../../src/adapters/password/zxcvbn-estimator.js';
import { zxcvbnLanguageData } from '../../src/adapters/password/zxcvbn-language-data.js';

const LISTS: Record<string, readonly unknown[]> = { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary };

/** zxcvbn's own rule: the n-th listed word has rank n, and a repeated word keeps its last listing's rank. */
function expectedRanks(list: readonly unknown[]): Map<string, number> {
  const ranks = new Map<string, number>();
  list.forEach((word, index) => ranks.set(String(word), index + 1));
  return ranks;
}

describe('CompactRankedDictionary', () => {
  it('gives every word of every language-pack list the rank zxcvbn gives it, and nothing else a rank', () => {
    const names = Object.keys(LISTS);
    expect(names.length).toBeGreaterThan(10);
    let words = 0;
    for (const name of names) {
      const list = LISTS[name]!;
      const table = CompactRankedDictionary.from(list);
      const expected = expectedRanks(list);
      expect(table.size, name).toBe(expected.size);
      for (const [word, rank] of expected) {
        if (table.rank(word) !== rank) expect.fail(`${name}: ${word} ranked ${table.rank(word)}, expected ${rank}`);
        // A word one character longer or shorter is a different word.
        if (!expected.has(`${word}\u0001`) && table.rank(`${word}\u0001`) !== undefined) expect.fail(`${name}: ${word}\\u0001 found`);
        const shorter = word.slice(0, -1);
        if (table.rank(shorter) !== expected.get(shorter)) expect.fail(`${name}: ${shorter} ranked ${table.rank(shorter)}`);
      }
      expect(table.maxWordLength, name).toBe(Math.max(...[...expected.keys()].map((w) => w.length)));
      words += list.length;
    }
    expect(words).toBeGreaterThan(200_000);
  });

  it('keeps the last rank of a repeated word, handles the empty word and non-Latin text', () => {
    const table = CompactRankedDictionary.from(['alpha', 'beta', 'alpha', '', 'straße', 'كلمة', 42]);
    expect(table.rank('alpha')).toBe(3);
    expect(table.rank('beta')).toBe(2);
    expect(table.rank('')).toBe(4);
    expect(table.rank('straße')).toBe(5);
    expect(table.rank('كلمة')).toBe(6);
    expect(table.rank('42')).toBe(7);
    expect(table.rank('gamma')).toBeUndefined();
    expect(table.size).toBe(6);
    expect(CompactRankedDictionary.from([]).rank('anything')).toBeUndefined();
  });

  it('reads as zxcvbn reads a ranked dictionary, and has no inherited properties', () => {
    const record = CompactRankedDictionary.from(['monkey', 'dragon']).asRecord();
    expect(record.dragon).toBe(2);
    expect('monkey' in record).toBe(true);
    expect(record.lizard).toBeUndefined();
    expect('lizard' in record).toBe(false);
    expect(record.constructor).toBeUndefined();
    expect(record.toString).toBeUndefined();
  });
});

describe('ZxcvbnEstimator on the compact dictionaries', () => {
  const plain = new ZxcvbnFactory({
    dictionary: LISTS as Record<string, string[]>,
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: zxcvbnEn.translations,
    l33tMaxSubstitutions: 2,
  });
  const estimator = new ZxcvbnEstimator();

  /** Dictionary words and names, their l33t and reversed spellings, years, keyboard walks, sequences, random text. */
  function corpus(): string[] {
    const picks = ['password', 'dragon', 'jennifer', 'williams', 'baseball', 'computer', 'sunshine', 'princess', 'football', 'michael'];
    const out = new Set<string>(picks);
    for (const word of picks) {
      out.add(`${word}2024`);
      out.add(`${word[0]!.toUpperCase()}${word.slice(1)}!1`);
      out.add(word.replace(/a/g, '@').replace(/o/g, '0').replace(/e/g, '3').replace(/s/g, '$'));
      out.add([...word].reverse().join(''));
      out.add(`${word}${picks[(picks.indexOf(word) + 3) % picks.length]}`);
    }
    for (const list of Object.values(LISTS)) for (let i = 0; i < list.length; i += Math.max(1, Math.floor(list.length / 15))) out.add(`${String(list[i])}x7`);
    ['qwertyuiop', 'zxcvbnm,./', '1qaz2wsx3edc', 'abcdefgh', '13579', 'aaaaaaaaaaaa', '19841985', '01/02/1990', 'correct horse battery staple',
      'Tr0ub4dor&3', 'xK9#mQ2$vLp8', 'alice-in-chains', 'onetwothree', 'mondaytuesday'].forEach((p) => out.add(p));
    return [...out];
  }

  it('scores and explains every password of a varied corpus exactly as zxcvbn with its own dictionaries', () => {
    const passwords = corpus();
    expect(passwords.length).toBeGreaterThan(150);
    const scores = new Set<number>();
    for (const password of passwords) {
      const expected = plain.check(password, ['alice', 'alice@example.com']);
      const actual = estimator.estimate(password, ['alice', 'alice@example.com']);
      expect({ password, score: actual.score, warning: actual.warning ?? '', suggestions: actual.suggestions })
        .toEqual({ password, score: expected.score, warning: expected.feedback.warning ?? '', suggestions: expected.feedback.suggestions });
      scores.add(actual.score);
    }
    expect(scores.size).toBeGreaterThanOrEqual(4);
  });

  it('builds the dictionaries once per process', () => {
    expect(zxcvbnLanguageData()).toBe(zxcvbnLanguageData());
  });
});
