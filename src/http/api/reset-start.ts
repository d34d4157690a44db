import { UnlatchError } from '../../core/errors.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { requestLanguage } from '../language-choice.js';
import { PROOF_OF_WORK_PROBLEM, proofOfWorkBodySchema, sendProofOfWorkProblem } from './proof-of-work-api.js';
import { COMMON_POST_PROBLEMS, expiresAtSchema, identifierSchema, deviceSchema, problemResponses, strictObject, tenantSchema } from './schemas.js';

interface StartBody {
  tenant?: string;
  identifier: string;
  proofOfWork?: { solution?: string; waitTicket?: string };
  device?: string;
}

/**
 * `POST /api/v1/reset`: starts a reset. The answer is the same for an existing, unknown, disabled or
 * excluded account (core hands out a decoy flow), so nothing here may branch on the account.
 */
export const resetStartRoute: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Body: StartBody }>(
    '/v1/reset',
    {
      schema: {
        operationId: 'startReset',
        tags: ['reset'],
        summary: 'Start a password reset',
        description:
          'Sends a code to the email registered for the account, if there is such an account that may reset. ' +
          'The answer is identical whether or not the account exists.',
        body: strictObject({ tenant: tenantSchema, identifier: identifierSchema, proofOfWork: proofOfWorkBodySchema, device: deviceSchema }, ['identifier']),
        response: {
          202: strictObject(
            {
              flowId: { type: 'string', description: 'Bearer secret naming this flow; send it back in the path of the next steps.' },
              next: { type: 'string', enum: ['verify_code'] },
              expiresAt: expiresAtSchema,
            },
            ['flowId', 'next', 'expiresAt'],
            'Accepted. If the account may reset, a code is on its way; the answer is the same either way.',
          ),
          ...problemResponses(COMMON_POST_PROBLEMS),
          ...PROOF_OF_WORK_PROBLEM,
        },
      },
    },
    async (request, reply) => {
      const tenantId = request.body.tenant ?? deps.config.defaultTenant;
      if (tenantId === undefined) throw new UnlatchError('invalid_request', { field: 'tenant' });
      let started;
      try {
        started = await deps.resetFlow.start({ tenantId, identifier: request.body.identifier, client: clientInfo(request), lang: requestLanguage(deps, request, tenantId), proofOfWork: request.body.proofOfWork, device: request.body.device });
      } catch (error) {
        return sendProofOfWorkProblem(error, request, reply, translate);
      }
      return reply.code(202).send({ flowId: started.flowId, next: started.next, expiresAt: started.expiresAt.toISOString() });
    },
  );
};
