import { MAX_QUESTIONS } from '../../core/methods/questions/security-questions.js';
import { problemResponses, problemSchema, strictObject } from './schemas.js';

/**
 * Schema bound of a question or an answer: far above what core accepts (200), so core, not the schema,
 * answers an over-long one with the `too_long` problem a client can show next to the field.
 */
const MAX_TEXT_FIELD = 1000;

/** Answers to a person's security questions (`method: questions`), one per question, in the order offered. */
export const answersSchema = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_QUESTIONS,
  items: { type: 'string', minLength: 1, maxLength: MAX_TEXT_FIELD },
  description: 'questions: one answer per security question, in the order of the choice\'s `questions`. Case, spacing and punctuation do not matter.',
} as const;

/** The question texts of a `questions` choice (second proof only). */
export const choiceQuestionsSchema = {
  type: 'array',
  items: { type: 'string' },
  description: 'questions: the person\'s security questions, to be answered in this order.',
} as const;

/** A set to register: each item a question (one of the offered choices unless custom questions are allowed) and its answer. */
export const questionItemsSchema = {
  type: 'array',
  minItems: 0,
  maxItems: 2 * MAX_QUESTIONS,
  items: strictObject(
    {
      question: { type: 'string', minLength: 1, maxLength: MAX_TEXT_FIELD },
      answer: { type: 'string', minLength: 1, maxLength: MAX_TEXT_FIELD },
    },
    ['question', 'answer'],
  ),
} as const;

const QUESTION_PROBLEMS = ['too_few', 'too_many', 'duplicate_question', 'answer_too_short', 'too_long', 'answer_repeats_question', 'question_missing', 'question_not_offered', 'question_too_short', 'duplicate_answer'];

/** The 400 of a refused set: the usual problem, plus every rule broken, set-wide and per item. */
export function questionSetProblemResponses(statuses: readonly number[]): Record<string, unknown> {
  const responses = problemResponses(statuses);
  responses['400'] = {
    description: 'Malformed request (code invalid_request); for a set that breaks a rule, `problems` and `items` say which.',
    content: {
      'application/problem+json': {
        schema: {
          ...problemSchema,
          properties: {
            ...problemSchema.properties,
            problems: { type: 'array', items: { type: 'string', enum: QUESTION_PROBLEMS }, description: 'Every rule the set breaks.' },
            items: {
              type: 'array',
              description: 'The problems of single items: `index` (from 0), `field` (question or answer), `problem`.',
              items: strictObject({ index: { type: 'integer' }, field: { type: 'string', enum: ['question', 'answer'] }, problem: { type: 'string', enum: QUESTION_PROBLEMS } }, ['index', 'field', 'problem']),
            },
          },
        },
      },
    },
  };
  return responses;
}
