import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { sendResultProblem } from './problems.js';
import { codeSchema, COMMON_POST_PROBLEMS, expiresAtSchema, flowIdParamsSchema, problemResponses, strictObject } from './schemas.js';

interface FlowParams {
  flowId: string;
}

interface VerifyBody {
  code: string;
}

/** `POST /api/v1/reset/{flowId}/verify`: checks the emailed code; a limited number of wrong tries per flow. */
export const resetVerifyRoute: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Params: FlowParams; Body: VerifyBody }>(
    '/v1/reset/:flowId/verify',
    {
      schema: {
        operationId: 'verifyResetCode',
        tags: ['reset'],
        summary: 'Verify the emailed code',
        description: 'A wrong code answers 422 code_invalid with attemptsLeft; the last allowed wrong code ends the flow (410 code_attempts_exceeded).',
        params: flowIdParamsSchema,
        body: strictObject({ code: codeSchema }, ['code']),
        response: {
          200: strictObject(
            { next: { type: 'string', enum: ['set_password'] }, expiresAt: expiresAtSchema },
            ['next', 'expiresAt'],
            'Code accepted; choose the new password before expiresAt.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 409, 410, 422]),
        },
      },
    },
    async (request, reply) => {
      const result = await deps.resetFlow.verifyCode({ flowId: request.params.flowId, code: request.body.code, client: clientInfo(request) });
      if (result.ok) return { next: result.next, expiresAt: result.expiresAt.toISOString() };
      if (result.code === 'code_invalid') return sendResultProblem(request, reply, translate, 'code_invalid', { attemptsLeft: result.attemptsLeft });
      return sendResultProblem(request, reply, translate, result.code);
    },
  );
};
