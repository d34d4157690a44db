import { selfEntry } from '../../audit/self-entry.js';
import { UnlatchError } from '../../errors.js';
import { decidePolicy, type TenantPolicy } from '../../policy/method-policy.js';
import type { ClientInfo } from '../../ports/client-info.js';
import type { Clock } from '../../ports/clock.js';
import type { DirectoryAccount } from '../../ports/directory.js';
import type { MethodRepository } from '../../ports/methods.js';
import type { Store } from '../../ports/store.js';
import type { TenantCatalog } from '../../ports/tenants.js';
import { recordMethodChange } from '../method-change-notice.js';
import { QUESTIONS_METHOD_NAME, questionsOf, sealedAnswersOf } from './question-proof.js';
import { hashQuestionSet, MAX_QUESTIONS, MAX_TEXT_LENGTH, MIN_QUESTIONS, normalizeAnswer, questionSetProblems, type AnswerHasher, type QuestionSetProblem } from './security-questions.js';

/** Which questions people may choose, and how many they register (config key `securityQuestions`). */
export interface QuestionSettings {
  /** The questions offered, in the order shown. */
  choices: readonly string[];
  /** People may write their own questions instead of choosing from `choices`. */
  allowCustom: boolean;
  /** How many questions a person registers and is asked (at least {@link MIN_QUESTIONS}). */
  count: number;
}

export interface QuestionRegistrationDeps {
  store: Store;
  methods: MethodRepository;
  tenants: TenantCatalog;
  clock: Clock;
  /** Hashes answers (argon2id in the built-in adapter). */
  hasher: AnswerHasher;
  settings: QuestionSettings;
  /** The method policy of a tenant: questions may be registered only where it allows them. */
  policyFor: (tenantId: string) => TenantPolicy;
}

/**
 * Why a set cannot be registered. On top of the core rules ({@link QuestionSetProblem}): a question left
 * empty, one that is not among the offered choices (when custom questions are off), a written question
 * too short to be one, the same answer twice.
 */
export type QuestionProblem = QuestionSetProblem | 'question_missing' | 'question_not_offered' | 'question_too_short' | 'duplicate_answer';

/** Shortest question a person may write themselves (as the shortest configurable choice). */
const MIN_CUSTOM_QUESTION = 5;

/** A problem of one item, for showing it next to its field (`index` counts from 0). */
export interface QuestionItemProblem {
  index: number;
  field: 'question' | 'answer';
  problem: QuestionProblem;
}

export type SetQuestionsResult =
  | { ok: true; methodId: string; questions: string[] }
  | { ok: false; code: 'invalid_request'; problems: QuestionProblem[]; items: QuestionItemProblem[] };

/** What a signed-in person may choose, and their current set (questions only: answers are never shown back). */
export interface QuestionOptions {
  /** The person's policy allows security questions. */
  allowed: boolean;
  count: number;
  allowCustom: boolean;
  choices: string[];
  registered: { methodId: string; questions: string[]; createdAt: Date } | null;
}

/**
 * Registering a person's security questions: one method of kind `questions` per person, holding the
 * question texts (public) and, sealed, the hashes of the normalized answers. A new set replaces the old
 * one. Only where the person's policy allows questions; audited and notified like every other change.
 * Removal goes through `MethodRegistration.remove` like any method.
 */
export class QuestionRegistration {
  constructor(private readonly deps: QuestionRegistrationDeps) {}

  /** Whether the person's policy allows security questions at all. */
  allowedFor(account: DirectoryAccount): boolean {
    return decidePolicy(this.deps.policyFor(account.tenantId), account).allowedMethods.includes('questions');
  }

  async options(account: DirectoryAccount): Promise<QuestionOptions> {
    const { settings } = this.deps;
    const method = (await this.deps.methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'questions' && m.confirmed).at(-1);
    return {
      allowed: this.allowedFor(account),
      count: settings.count,
      allowCustom: settings.allowCustom,
      choices: [...settings.choices],
      registered: method ? { methodId: method.id, questions: questionsOf(method), createdAt: method.createdAt } : null,
    };
  }

  /**
   * Checks, hashes and stores a set, replacing the person's earlier one. A set that breaks a rule is a
   * typed result with every problem (nothing stored); a policy that does not allow questions is
   * `method_not_allowed` (audited as a denied registration).
   */
  async setQuestions(input: { account: DirectoryAccount; items: ReadonlyArray<{ question: string; answer: string }>; client: ClientInfo }): Promise<SetQuestionsResult> {
    const { account, client } = input;
    if (!this.allowedFor(account)) {
      await this.deps.store.transaction((tx) =>
        tx.audit.append(selfEntry('method.registration_started', 'denied', account.tenantId, account.id, null, client, { kind: 'questions', reason: 'not_allowed' })),
      );
      throw new UnlatchError('method_not_allowed', { field: 'kind' });
    }
    const checked = this.check(input.items);
    if (checked.problems.length > 0) return { ok: false, code: 'invalid_request', problems: checked.problems, items: checked.itemProblems };

    // Slow on purpose (argon2id): answers have little entropy, so each guess must cost.
    const stored = await hashQuestionSet(this.deps.hasher, checked.items);
    const questions = stored.map((q) => q.question);
    const methodId = await this.deps.store.transaction(async (tx) => {
      const methods = this.deps.methods.within(tx);
      const earlier = (await methods.listForSubject(account.tenantId, account.id)).filter((m) => m.kind === 'questions');
      for (const old of earlier) await methods.remove(account.tenantId, old.id);
      const id = await methods.add(
        { tenantId: account.tenantId, subjectId: account.id, kind: 'questions', name: QUESTIONS_METHOD_NAME, data: { questions }, secret: sealedAnswersOf(stored), confirmed: true },
        this.deps.clock.now(),
      );
      await recordMethodChange(this.deps, tx, account, client, 'added', QUESTIONS_METHOD_NAME, { kind: 'questions', methodId: id, count: questions.length, replaced: earlier.length > 0 });
      return id;
    });
    return { ok: true, methodId, questions };
  }

  /**
   * Every problem of a set, set-wide and per item. A question is stored as the configured choice it
   * matches (spacing, case and punctuation aside), or as typed when custom questions are allowed.
   */
  private check(raw: ReadonlyArray<{ question: string; answer: string }>): { items: Array<{ question: string; answer: string }>; problems: QuestionProblem[]; itemProblems: QuestionItemProblem[] } {
    const { settings } = this.deps;
    const itemProblems: QuestionItemProblem[] = [];
    const items = raw.map(({ question, answer }, index) => {
      const trimmed = question.normalize('NFKC').replace(/\p{Cc}/gu, '').trim();
      const choice = settings.choices.find((c) => normalizeAnswer(c) === normalizeAnswer(trimmed));
      if (trimmed === '') itemProblems.push({ index, field: 'question', problem: 'question_missing' });
      else if (!choice && !settings.allowCustom) itemProblems.push({ index, field: 'question', problem: 'question_not_offered' });
      else if (!choice && Array.from(trimmed).length < MIN_CUSTOM_QUESTION) itemProblems.push({ index, field: 'question', problem: 'question_too_short' });
      return { question: choice ?? trimmed, answer };
    });
    const seenQuestions = new Set<string>();
    const seenAnswers = new Set<string>();
    items.forEach(({ question, answer }, index) => {
      const q = normalizeAnswer(question);
      const a = normalizeAnswer(answer);
      if (question.length > MAX_TEXT_LENGTH) itemProblems.push({ index, field: 'question', problem: 'too_long' });
      if (q !== '' && seenQuestions.has(q)) itemProblems.push({ index, field: 'question', problem: 'duplicate_question' });
      seenQuestions.add(q);
      // The core rules for one answer: length, and not a word of its own question.
      for (const problem of questionSetProblems([{ question, answer }])) {
        if (problem === 'answer_too_short' || problem === 'answer_repeats_question') itemProblems.push({ index, field: 'answer', problem });
      }
      if (answer.length > MAX_TEXT_LENGTH) itemProblems.push({ index, field: 'answer', problem: 'too_long' });
      // One answer to every question would make the set as strong as one question.
      if (a !== '' && seenAnswers.has(a)) itemProblems.push({ index, field: 'answer', problem: 'duplicate_answer' });
      seenAnswers.add(a);
    });
    const problems = new Set<QuestionProblem>(questionSetProblems(items));
    if (items.length < Math.max(MIN_QUESTIONS, settings.count)) problems.add('too_few');
    if (items.length > MAX_QUESTIONS) problems.add('too_many');
    for (const { problem } of itemProblems) problems.add(problem);
    // In the order of the form: item by item, the question before its answer.
    itemProblems.sort((a, b) => a.index - b.index || (a.field === b.field ? 0 : a.field === 'question' ? -1 : 1));
    return { items, problems: [...problems], itemProblems };
  }
}
