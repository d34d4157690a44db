/**
 * Security questions: off by default and weak (answers are often guessable or findable), kept for
 * organisations migrating from systems that use them. Answers are normalized, then hashed with the
 * password hasher (slow on purpose: answers have little entropy), never stored or shown back.
 */

/** Fewest questions a person registers and is asked. */
export const MIN_QUESTIONS = 3;
/** Most questions a person registers. */
export const MAX_QUESTIONS = 10;
const MIN_ANSWER_LENGTH = 2;
/** Longest question or answer, in UTF-16 code units. */
export const MAX_TEXT_LENGTH = 200;

/** Hashes and checks answers (argon2id in the built-in adapter). */
export interface AnswerHasher {
  hash(normalizedAnswer: string): Promise<string>;
  verify(hash: string, normalizedAnswer: string): Promise<boolean>;
}

/**
 * One form of an answer, so "Paris", " paris " and "PARIS." match: Unicode NFKC, case-folded, punctuation
 * dropped, runs of spaces collapsed.
 */
export function normalizeAnswer(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export type QuestionSetProblem = 'too_few' | 'too_many' | 'duplicate_question' | 'answer_too_short' | 'too_long' | 'answer_repeats_question';

/** Checks a set a person wants to register; returns every problem, or none. */
export function questionSetProblems(items: ReadonlyArray<{ question: string; answer: string }>): QuestionSetProblem[] {
  const problems = new Set<QuestionSetProblem>();
  if (items.length < MIN_QUESTIONS) problems.add('too_few');
  if (items.length > MAX_QUESTIONS) problems.add('too_many');
  const seen = new Set<string>();
  for (const { question, answer } of items) {
    const q = normalizeAnswer(question);
    const a = normalizeAnswer(answer);
    if (question.length > MAX_TEXT_LENGTH || answer.length > MAX_TEXT_LENGTH) problems.add('too_long');
    if (seen.has(q)) problems.add('duplicate_question');
    seen.add(q);
    if (Array.from(a).length < MIN_ANSWER_LENGTH) problems.add('answer_too_short');
    if (a.length > 0 && q.includes(a)) problems.add('answer_repeats_question');
  }
  return [...problems];
}

/** What is stored for one question: the question text (shown when asked) and the answer's hash. */
export interface StoredQuestion {
  question: string;
  answerHash: string;
}

export async function hashQuestionSet(hasher: AnswerHasher, items: ReadonlyArray<{ question: string; answer: string }>): Promise<StoredQuestion[]> {
  return Promise.all(items.map(async ({ question, answer }) => ({ question: question.trim(), answerHash: await hasher.hash(normalizeAnswer(answer)) })));
}

/**
 * Checks answers to every stored question, in order. All are verified (no early exit), so the time does
 * not say which answer was wrong; one wrong answer fails the whole proof.
 */
export async function answersMatch(hasher: AnswerHasher, stored: readonly StoredQuestion[], answers: readonly string[]): Promise<boolean> {
  if (stored.length < MIN_QUESTIONS || answers.length !== stored.length) return false;
  const verdicts = await Promise.all(stored.map((q, i) => hasher.verify(q.answerHash, normalizeAnswer(answers[i] ?? ''))));
  return verdicts.every(Boolean);
}
