import type { MethodDescriptor } from '../method-descriptor.js';

/** Answers to the person's security questions: a second proof only, and the weakest (listed last). */
export const QUESTIONS = {
  kind: 'questions',
  family: 'questions',
  choiceRank: 7,
  input: 'answers',
} as const satisfies MethodDescriptor;
