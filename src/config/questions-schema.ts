import { z } from 'zod';
import { MAX_QUESTIONS, MAX_TEXT_LENGTH, MIN_QUESTIONS, normalizeAnswer } from '../core/methods/questions/security-questions.js';

/**
 * The questions offered when nothing is configured: answers a person remembers the same way for years,
 * that are not on a CV or a social-media profile, and that differ between people. They are still weak
 * (family and friends may know them): see docs/methods.md.
 */
export const DEFAULT_QUESTION_CHOICES: readonly string[] = Object.freeze([
  'What was the name of your first stuffed animal or toy?',
  'What was the first concert you went to?',
  'What was the make and model of your first car or bicycle?',
  'In what town or city did your parents meet?',
  'What was the name of your best friend when you were a child?',
  'What was the first film you saw in a cinema?',
  'What was your childhood nickname?',
  'What was the name of the street you lived on when you were ten?',
]);

/**
 * Config key `securityQuestions`: which questions people may choose and how many they register. Whether
 * anyone may use security questions at all is the policy's `allowedMethods` (off by default). See
 * docs/methods.md, *Security questions*.
 */
export const securityQuestionsSchema = z
  .object({
    /** The questions people choose from, in the order shown. Default: eight questions in English (see `DEFAULT_QUESTION_CHOICES`). */
    choices: z
      .array(z.string().trim().min(5, 'a question has at least 5 characters').max(MAX_TEXT_LENGTH))
      .min(MIN_QUESTIONS)
      .max(100)
      .default([...DEFAULT_QUESTION_CHOICES])
      .superRefine((choices, ctx) => {
        const seen = new Set<string>();
        choices.forEach((choice, index) => {
          const key = normalizeAnswer(choice);
          if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: 'the same question twice' });
          seen.add(key);
        });
      }),
    /** People may write their own questions instead of choosing from `choices` (default false: custom questions tend to be weaker). */
    allowCustom: z.boolean().default(false),
    /** How many questions a person registers and is asked at a reset: 3 to 10. */
    count: z.number().int().min(MIN_QUESTIONS).max(MAX_QUESTIONS).default(MIN_QUESTIONS),
  })
  .strict()
  .prefault({})
  .refine((s) => s.allowCustom || s.choices.length >= s.count, { message: 'choices must offer at least count different questions (or allowCustom: true)', path: ['choices'] });
