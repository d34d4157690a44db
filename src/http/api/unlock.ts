import { UnlatchError } from '../../core/errors.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { requestLanguage } from '../language-choice.js';
import { PROOF_OF_WORK_PROBLEM, proofOfWorkBodySchema, sendProofOfWorkProblem } from './proof-of-work-api.js';
import { COMMON_POST_PROBLEMS, expiresAtSchema, flowIdParamsSchema, identifierSchema, deviceSchema, problemResponses, strictObject, tenantSchema } from './schemas.js';

/**
 * `POST /api/v1/unlock` starts an unlock flow: the same proofs as a reset (the same decoys for accounts that
 * may not), then `POST /api/v1/reset/{flowId}/unlock` clears the lockout and keeps the password.
 */
export const unlockRoutes: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Body: { tenant?: string; identifier: string; proofOfWork?: { solution?: string; waitTicket?: string }; device?: string } }>(
    '/v1/unlock',
    {
      schema: {
        operationId: 'startUnlock',
        tags: ['reset'],
        summary: 'Start unlocking a locked account (no new password)',
        description:
          'Like POST /reset: a code (and link) goes to the account\'s addresses if it may unlock, and the answer is identical whether ' +
          'or not the account exists. Prove it with POST /reset/{flowId}/verify; the last proof answers `next: unlock`.',
        body: strictObject({ tenant: tenantSchema, identifier: identifierSchema, proofOfWork: proofOfWorkBodySchema, device: deviceSchema }, ['identifier']),
        response: {
          202: strictObject(
            { flowId: { type: 'string' }, next: { type: 'string', enum: ['verify_code'] }, expiresAt: expiresAtSchema },
            ['flowId', 'next', 'expiresAt'],
            'Accepted; the answer is the same whether or not the account exists.',
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
        started = await deps.resetFlow.start({ tenantId, identifier: request.body.identifier, client: clientInfo(request), purpose: 'unlock', lang: requestLanguage(deps, request, tenantId), proofOfWork: request.body.proofOfWork, device: request.body.device });
      } catch (error) {
        return sendProofOfWorkProblem(error, request, reply, translate);
      }
      return reply.code(202).send({ flowId: started.flowId, next: started.next, expiresAt: started.expiresAt.toISOString() });
    },
  );

  app.post<{ Params: { flowId: string } }>(
    '/v1/reset/:flowId/unlock',
    {
      schema: {
        operationId: 'unlockAccount',
        tags: ['reset'],
        summary: 'Unlock the account of a proven unlock flow',
        description: 'The directory clears the lockout; the password does not change. The person is told by email.',
        params: flowIdParamsSchema,
        response: {
          200: strictObject(
            { next: { type: 'string', enum: ['done'] }, wasLocked: { type: 'boolean', description: 'Whether the account was locked before.' } },
            ['next', 'wasLocked'],
            'Unlocked; the flow is finished.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 409, 410, 503]),
        },
      },
    },
    async (request) => {
      const result = await deps.resetFlow.unlock({ flowId: request.params.flowId, client: clientInfo(request) });
      return { next: result.next, wasLocked: result.wasLocked };
    },
  );
};
