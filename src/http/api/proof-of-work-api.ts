import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError, UnlatchError } from '../../core/errors.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { sendResultProblem } from './problems.js';
import type { ErrorTranslator } from '../problem.js';
import { problemResponses, strictObject, tenantSchema } from './schemas.js';

/** The start's `proofOfWork` field: a solved challenge, or a wait ticket after its wait. */
export const proofOfWorkBodySchema = {
  ...strictObject(
    {
      solution: {
        type: 'string', minLength: 1, maxLength: 4096,
        description: 'The solved ALTCHA v2 challenge: base64 of `{"challenge":{"parameters":…,"signature":…},"solution":{"counter":…,"derivedKey":…}}`, as the ALTCHA widget 3 or altcha-lib 2 `solveChallenge` make it.',
      },
      waitTicket: { type: 'string', minLength: 1, maxLength: 256, description: 'Instead of a solution: the `waitTicket` of a challenge offer, sent at least `waitSeconds` after it was issued. Single use.' },
    },
    [],
  ),
  description: 'Needed when the tenant asks for proof-of-work (always, on risk, or in attack mode): see `GET /api/v1/reset/challenge` and the 428 problem.',
} as const;

const offerProperties = {
  challenge: { type: 'object', additionalProperties: true, description: 'A signed ALTCHA v2 challenge (`parameters`, `signature`); solve it and send the payload as `proofOfWork.solution`.' },
  waitTicket: { type: 'string', description: 'The alternative for clients that cannot solve: send it back as `proofOfWork.waitTicket` after `waitSeconds`.' },
  waitSeconds: { type: 'integer', description: 'Seconds to wait before the wait ticket is accepted.' },
};

/** 428 in a start's responses, with the offer it carries. */
export const PROOF_OF_WORK_PROBLEM = {
  428: {
    description: 'A proof of work is needed and was missing, wrong, expired or already used (code proof_of_work_required). The problem carries a fresh `challenge`, a `waitTicket` and `waitSeconds` (and `remainingSeconds` when a wait ticket came too early). The same for every identifier.',
    content: { 'application/problem+json': { schema: { ...(problemResponses([428])['428'] as { content: { 'application/problem+json': { schema: object } } }).content['application/problem+json'].schema, properties: offerProperties } } },
  },
};

/** Answers `proof_of_work_required` as a 428 problem with the offer; anything else is thrown on. */
export function sendProofOfWorkProblem(error: unknown, request: FastifyRequest, reply: FastifyReply, translate: ErrorTranslator): FastifyReply {
  if (!isUnlatchError(error) || error.code !== 'proof_of_work_required') throw error;
  const { challenge, waitTicket, waitSeconds, remainingSeconds } = error.details;
  return sendResultProblem(request, reply, translate, 'proof_of_work_required', { challenge, waitTicket, waitSeconds, ...(remainingSeconds !== undefined ? { remainingSeconds } : {}) });
}

/**
 * `GET /api/v1/reset/challenge`: whether starts of the tenant need a proof of work now (always, or in attack mode;
 * a `risk` tenant may still answer a start with 428), with a fresh challenge and wait ticket either way.
 */
export const proofOfWorkChallengeRoute: ApiRoute = (app, { deps }) => {
  app.get<{ Querystring: { tenant?: string } }>(
    '/v1/reset/challenge',
    {
      schema: {
        operationId: 'proofOfWorkChallenge',
        tags: ['reset'],
        summary: 'Get a proof-of-work challenge for starting a reset or unlock',
        querystring: strictObject({ tenant: tenantSchema }, []),
        response: {
          200: strictObject({ required: { type: 'boolean', description: 'Whether every start needs a proof now (a start may still be answered 428 on risk).' }, ...offerProperties }, ['required', 'challenge', 'waitTicket', 'waitSeconds'], 'A challenge and a wait ticket.'),
          ...problemResponses([400, 404, 429, 500, 503]),
        },
      },
    },
    async (request, reply) => {
      const pow = deps.proofOfWork;
      const tenantId = request.query.tenant ?? deps.config.defaultTenant;
      if (!pow) throw new UnlatchError('not_found');
      if (tenantId === undefined || !deps.tenants.get(tenantId)) throw new UnlatchError('invalid_request', { field: 'tenant' });
      const offer = await pow.gate.offer(tenantId, clientInfo(request));
      return reply.send({ required: await pow.gate.required(tenantId), ...offer });
    },
  );
};
