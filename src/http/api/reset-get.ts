import type { ApiRoute } from './api-context.js';
import { apiChoices } from './api-words.js';
import { choiceLabelSchema, expiresAtSchema, flowIdParamsSchema, problemResponses, strictObject } from './schemas.js';
import { choiceQuestionsSchema } from './question-schemas.js';

interface FlowParams {
  flowId: string;
}

/** `GET /api/v1/reset/{flowId}`: where the flow stands. Reads only; a mail scanner fetching it consumes nothing. */
export const resetGetRoute: ApiRoute = (app, { deps }) => {
  app.get<{ Params: FlowParams }>(
    '/v1/reset/:flowId',
    {
      schema: {
        operationId: 'getReset',
        tags: ['reset'],
        summary: 'Show the current step of a reset',
        params: flowIdParamsSchema,
        response: {
          200: strictObject(
            {
              next: { type: 'string', enum: ['verify_code', 'verify_second', 'wait_for_review', 'set_password', 'unlock'], description: '`wait_for_review`: the proofs are complete and an operator must approve the reset first; ask again later (expiresAt: when the wait ends).' },
              expiresAt: expiresAtSchema,
              attemptsLeft: { type: 'integer', description: 'Wrong codes left before the flow ends.' },
              methods: {
                type: 'array',
                description: 'What the next proof may use: before any proof the tenant\'s methods (the same for every identifier); after one, the person\'s own, masked.',
                items: strictObject({ method: { type: 'string' }, label: choiceLabelSchema, methodId: { type: 'string' }, questions: choiceQuestionsSchema }, ['method', 'label']),
              },
              directoryRules: {
                type: 'object',
                additionalProperties: false,
                description: 'At set_password, when the directory can tell: its own rules for this person (LDAP ppolicy, Active Directory).',
                properties: {
                  minLength: { type: 'integer' },
                  historyLength: { type: 'integer' },
                  complexity: { type: 'boolean' },
                  minAgeSeconds: { type: 'integer' },
                },
              },
            },
            ['next', 'expiresAt', 'attemptsLeft'],
            'The step the flow waits for.',
          ),
          ...problemResponses([400, 410, 500, 503]),
        },
      },
    },
    async (request) => {
      const view = await deps.resetFlow.view(request.params.flowId);
      return {
        next: view.next,
        expiresAt: view.expiresAt.toISOString(),
        attemptsLeft: view.attemptsLeft,
        methods: apiChoices(deps, request, view.tenantId, view.methods),
        ...(view.directoryRules ? { directoryRules: view.directoryRules } : {}),
      };
    },
  );
};
