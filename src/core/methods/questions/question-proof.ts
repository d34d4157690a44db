import type { MethodRepository, RegisteredMethod } from '../../ports/methods.js';
import { answersMatch, MAX_QUESTIONS, MIN_QUESTIONS, normalizeAnswer, type AnswerHasher, type StoredQuestion } from './security-questions.js';

/** The name a set of security questions is listed under (one method per person, whatever the number of questions). */
export const QUESTIONS_METHOD_NAME = 'Security questions';

/** What is sealed as the method's secret: the answers' hashes, in the order of `data.questions`. */
interface SealedAnswers {
  answerHashes: string[];
}

/** A person's registered set: the questions (public: shown when asked) and, for checking, the answers' hashes. */
export interface QuestionSet {
  methodId: string;
  questions: string[];
  stored: StoredQuestion[];
}

/** The secret to store for hashed answers. */
export function sealedAnswersOf(stored: readonly StoredQuestion[]): string {
  const sealed: SealedAnswers = { answerHashes: stored.map((q) => q.answerHash) };
  return JSON.stringify(sealed);
}

/** The question texts of a stored method (`data.questions`), or [] when malformed. */
export function questionsOf(method: RegisteredMethod): string[] {
  const questions = method.data.questions;
  return Array.isArray(questions) && questions.every((q) => typeof q === 'string') ? (questions as string[]) : [];
}

/**
 * The person's current set of security questions, or null when they have none. With more than one (two
 * registrations racing), the newest counts.
 */
export async function readQuestionSet(methods: MethodRepository, tenantId: string, subjectId: string): Promise<QuestionSet | null> {
  const method = (await methods.listForSubject(tenantId, subjectId)).filter((m) => m.kind === 'questions' && m.confirmed).at(-1);
  if (!method) return null;
  const questions = questionsOf(method);
  let hashes: unknown = null;
  try {
    hashes = (JSON.parse((await methods.readSecret(tenantId, method.id)) ?? 'null') as Partial<SealedAnswers> | null)?.answerHashes;
  } catch {
    hashes = null;
  }
  if (!Array.isArray(hashes) || hashes.length !== questions.length || questions.length < MIN_QUESTIONS) return null;
  return { methodId: method.id, questions, stored: questions.map((question, i) => ({ question, answerHash: String(hashes[i]) })) };
}

/**
 * Checks answers against a set, spending comparable work when there is nothing real to check: no set (a
 * decoy, a person without questions or not allowed them) or the wrong number of answers still costs one
 * hash verification per answer, against a throwaway hash, and fails like a wrong answer.
 */
export class QuestionProof {
  private dummyHash: Promise<string> | null = null;

  constructor(private readonly hasher: AnswerHasher) {}

  async check(set: QuestionSet | null, answers: readonly string[]): Promise<boolean> {
    if (set !== null && answers.length === set.stored.length) return answersMatch(this.hasher, set.stored, answers);
    this.dummyHash ??= this.hasher.hash('unlatch-dummy-answer-for-timing');
    const dummy = await this.dummyHash;
    const count = Math.min(MAX_QUESTIONS, Math.max(MIN_QUESTIONS, set?.stored.length ?? answers.length));
    await Promise.all(Array.from({ length: count }, (_, i) => this.hasher.verify(dummy, normalizeAnswer(answers[i] ?? ''))));
    return false;
  }
}
