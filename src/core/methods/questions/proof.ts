import { QuestionProof, questionsOf, readQuestionSet } from './question-proof.js';
import type { ProofStrategy } from '../proof-strategy.js';
import { MIN_QUESTIONS, type AnswerHasher } from './security-questions.js';
import { QUESTIONS } from './kind.js';
import { KIND_LABEL } from '../proof-label.js';

/** One checker per hasher: it keeps the throwaway hash that decoys are checked against. */
const checkers = new WeakMap<AnswerHasher, QuestionProof>();

/** Answers to the person's security questions, at the second proof only. */
export const questionsProof: ProofStrategy = {
  descriptor: QUESTIONS,

  async prove({ flow, input, account, usable }, { answerHasher, methods }) {
    // Second proof only: the questions are shown in order to be answered, so offering them before any proof
    // would tell anyone who types a username that the account exists and has them. At the second step a person
    // without (allowed) questions does the same hashing against a dummy and fails like a wrong code.
    // At the first step every flow, real or decoy, refuses them at once: no hashing to spend (argon2 is costly),
    // and nothing differs between accounts.
    if (!answerHasher || flow.state !== 'awaiting_second_proof') return { ok: false, reason: 'wrong' };
    let checker = checkers.get(answerHasher);
    if (!checker) checkers.set(answerHasher, (checker = new QuestionProof(answerHasher)));
    const set = usable && account ? await readQuestionSet(methods, flow.tenantId, account.id) : null;
    const ok = (await checker.check(set, input.answers ?? [])) && set !== null;
    return ok ? { ok: true } : { ok: false, reason: 'wrong' };
  },

  // Last among the choices: the weakest proof. The question texts are what the person must answer.
  choices({ registered, server }) {
    const questions = server.questions ? registered.filter((m) => m.kind === 'questions').at(-1) : undefined;
    return questions && questionsOf(questions).length >= MIN_QUESTIONS ? [{ method: 'questions', label: KIND_LABEL, questions: questionsOf(questions) }] : [];
  },
};
