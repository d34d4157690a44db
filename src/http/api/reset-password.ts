import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { apiWords } from './api-words.js';
import { reasonsOf, sendResultProblem } from './problems.js';
import { COMMON_POST_PROBLEMS, flowIdParamsSchema, passwordSchema, problemResponses, strictObject } from './schemas.js';

interface FlowParams {
  flowId: string;
}

interface PasswordBody {
  password: string;
}

/** `POST /api/v1/reset/{flowId}/password`: sets the new password once the code was verified. */
export const resetPasswordRoute: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Params: FlowParams; Body: PasswordBody }>(
    '/v1/reset/:flowId/password',
    {
      schema: {
        operationId: 'setResetPassword',
        tags: ['reset'],
        summary: 'Choose the new password',
        description: 'A password that breaks the rules answers 422 password_rejected with reasons; the flow stays at this step so the user can try another.',
        params: flowIdParamsSchema,
        body: strictObject({ password: passwordSchema }, ['password']),
        response: {
          200: strictObject(
            {
              next: { type: 'string', enum: ['done'] },
              signInVerified: {
                type: ['boolean', 'null'],
                description: 'LDAP/AD: whether signing in with the new password worked afterwards (false: not yet, e.g. replication); null: not checked (built-in store).',
              },
            },
            ['next', 'signInVerified'],
            'Password changed; the flow is finished.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 409, 410, 422]),
        },
      },
    },
    async (request, reply) => {
      const result = await deps.resetFlow.setPassword({ flowId: request.params.flowId, password: request.body.password, client: clientInfo(request) });
      if (result.ok) return { next: result.next, signInVerified: result.signInVerified };
      return sendResultProblem(request, reply, translate, 'password_rejected', { reasons: reasonsOf(result.reasons, apiWords(deps, request)) });
    },
  );
};
