import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, signedIn } from './me-auth.js';
import { sendResultProblem } from './problems.js';
import { questionItemsSchema, questionSetProblemResponses } from './question-schemas.js';
import { COMMON_POST_PROBLEMS, problemResponses, strictObject } from './schemas.js';

interface QuestionsBody {
  items: Array<{ question: string; answer: string }>;
}

/**
 * `/api/v1/me/methods/questions`: the security questions a signed-in person may choose (and the ones they
 * registered, never the answers), and registering a set, which replaces the earlier one. Only where the
 * person's policy allows `questions` (off by default); removing the set is `DELETE /me/methods/{methodId}`.
 */
export const meQuestionsRoutes: ApiRoute = (app, { deps, translate }) => {
  app.get(
    '/v1/me/methods/questions',
    {
      schema: {
        operationId: 'getSecurityQuestions',
        tags: ['me'],
        summary: 'The security questions you may choose, and the ones you registered',
        description: 'Answers are never shown back. `allowed` is false when your policy does not allow security questions (the default).',
        security: BEARER,
        response: {
          200: strictObject(
            {
              allowed: { type: 'boolean', description: 'Your policy allows security questions.' },
              count: { type: 'integer', description: 'How many questions to register (and answer at a reset).' },
              allowCustom: { type: 'boolean', description: 'You may write your own questions instead of choosing from `choices`.' },
              choices: { type: 'array', items: { type: 'string' } },
              registered: {
                type: ['object', 'null'],
                additionalProperties: false,
                required: ['methodId', 'questions', 'createdAt'],
                properties: { methodId: { type: 'string' }, questions: { type: 'array', items: { type: 'string' } }, createdAt: { type: 'string', format: 'date-time' } },
                description: 'Your current set (questions only), or null.',
              },
            },
            ['allowed', 'count', 'allowCustom', 'choices', 'registered'],
          ),
          ...problemResponses([400, 401, 500, 503]),
        },
      },
    },
    async (request) => {
      const options = await deps.questionRegistration.options(await signedIn(deps, request));
      return { ...options, registered: options.registered ? { ...options.registered, createdAt: options.registered.createdAt.toISOString() } : null };
    },
  );

  app.put<{ Body: QuestionsBody }>(
    '/v1/me/methods/questions',
    {
      schema: {
        operationId: 'setSecurityQuestions',
        tags: ['me'],
        summary: 'Register your security questions (replaces an earlier set)',
        description:
          'At least `count` (3 by default) different questions, each one of the offered `choices` unless custom questions are allowed, ' +
          'each answer at least 2 characters, not a word of its question, and different from the other answers. Answers are ' +
          'normalized (case, spacing and punctuation do not count) and stored only as argon2id hashes; they are never shown back. ' +
          'A set that breaks a rule answers 400 invalid_request with `problems` and `items`. Refused with 403 method_not_allowed ' +
          'when your policy does not allow security questions. Audited, and you are emailed a notice.',
        security: BEARER,
        body: strictObject({ items: questionItemsSchema }, ['items']),
        response: {
          200: strictObject(
            { methodId: { type: 'string' }, questions: { type: 'array', items: { type: 'string' }, description: 'The questions as stored.' } },
            ['methodId', 'questions'],
            'Registered.',
          ),
          ...questionSetProblemResponses([...COMMON_POST_PROBLEMS, 401, 403]),
        },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const result = await deps.questionRegistration.setQuestions({ account, items: request.body.items, client: clientInfo(request) });
      if (result.ok) return { methodId: result.methodId, questions: result.questions };
      return sendResultProblem(request, reply, translate, 'invalid_request', { detail: 'The security questions break a rule; see "problems".', problems: result.problems, items: result.items });
    },
  );
};
