import { describe, expect, it } from 'vitest';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { answersMatch, hashQuestionSet, normalizeAnswer, questionSetProblems } from '../../src/core/methods/questions/security-questions.js';

const set = [
  { question: 'City you were born in?', answer: 'Paris' },
  { question: 'First pet’s name?', answer: 'Mr. Whiskers' },
  { question: 'Favourite teacher?', answer: 'Ms  Okafor' },
];

describe('security questions', () => {
  it('normalizes answers so case, spacing, punctuation and compatibility forms do not matter', () => {
    expect(normalizeAnswer('  PARIS. ')).toBe('paris');
    expect(normalizeAnswer('Mr.  Whiskers!')).toBe('mr whiskers');
    expect(normalizeAnswer('ＰＡＲＩＳ')).toBe('paris');
  });

  it('refuses sets that are too small, repeat a question, or have trivial answers', () => {
    expect(questionSetProblems(set)).toEqual([]);
    expect(questionSetProblems(set.slice(0, 2))).toContain('too_few');
    expect(questionSetProblems([...set.slice(0, 2), { question: 'city you were born in', answer: 'Lyon' }])).toContain('duplicate_question');
    expect(questionSetProblems([...set.slice(0, 2), { question: 'Colour?', answer: 'x' }])).toContain('answer_too_short');
    expect(questionSetProblems([...set.slice(0, 2), { question: 'Is it blue?', answer: 'blue' }])).toContain('answer_repeats_question');
  });

  it('stores only hashes and accepts the answers in any harmless spelling, all of them right', async () => {
    const hasher = new Argon2Hasher();
    const h = { hash: (a: string) => hasher.hash(a), verify: (hash: string, a: string) => hasher.verify(hash, a) };
    const stored = await hashQuestionSet(h, set);
    expect(JSON.stringify(stored)).not.toMatch(/paris|whiskers|okafor/i);
    expect(await answersMatch(h, stored, ['paris', 'mr whiskers', 'MS OKAFOR'])).toBe(true);
    expect(await answersMatch(h, stored, ['paris', 'mr whiskers', 'okafor'])).toBe(false);
    expect(await answersMatch(h, stored, ['paris', 'mr whiskers'])).toBe(false);
  });
});
