import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { COMMON_POST_PROBLEMS, expiresAtSchema, flowIdParamsSchema, problemResponses, strictObject } from './schemas.js';

/**
 * `POST /api/v1/reset/{flowId}/sms`: texts a code for the SECOND proof to one of the person's registered
 * phones (`methodId` from the masked choices the first proof returned). Never at the first proof: offering
 * phones before any proof would tell who has one. The SMS send limits are checked here; a refused send is
 * audited (`reset.send_suppressed`) and answered exactly like a sent one.
 */
export const resetSmsRoute: ApiRoute = (app, { deps }) => {
  app.post<{ Params: { flowId: string }; Body: { methodId: string } }>(
    '/v1/reset/:flowId/sms',
    {
      schema: {
        operationId: 'resetSendSms',
        tags: ['reset'],
        summary: 'Text a code to one of your phones, for the second proof',
        description:
          'Only when the flow waits for a second proof (`next: verify_second`) and `methodId` is an `sms_code` choice it offered. ' +
          'Then POST /reset/{flowId}/verify `{ "method": "sms_code", "code": "…" }`. A newer code replaces the previous one; wrong codes count against the flow.',
        params: flowIdParamsSchema,
        body: strictObject({ methodId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }, ['methodId']),
        response: {
          202: strictObject({ next: { type: 'string', enum: ['verify_second'] }, expiresAt: expiresAtSchema }, ['next', 'expiresAt'], 'Queued (or held back by the SMS limits: the same answer).'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 404, 409, 410]),
        },
      },
    },
    async (request, reply) => {
      const sent = await deps.resetFlow.sendSmsCode({ flowId: request.params.flowId, methodId: request.body.methodId, client: clientInfo(request) });
      return reply.code(202).send({ next: sent.next, expiresAt: sent.expiresAt.toISOString() });
    },
  );
};
