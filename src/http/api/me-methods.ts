import { UnlatchError } from '../../core/errors.js';
import { decidePolicy } from '../../core/policy/method-policy.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, signedIn } from './me-auth.js';
import { sendResultProblem } from './problems.js';
import { codeSchema, COMMON_POST_PROBLEMS, problemResponses, strictObject } from './schemas.js';

const methodIdParams = {
  type: 'object',
  additionalProperties: false,
  required: ['methodId'],
  properties: { methodId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } },
};

const summarySchema = strictObject(
  {
    id: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
    remaining: { type: 'integer', description: 'Backup codes: how many are left.' },
  },
  ['id', 'kind', 'name', 'createdAt', 'lastUsedAt'],
);

/**
 * `/api/v1/me/methods`: list, begin (an authenticator app, or a new set of backup codes), finish (confirm an
 * authenticator app with its first code), delete. A full session is required (`Authorization: Bearer`).
 */
export const meMethodsRoutes: ApiRoute = (app, { deps, translate }) => {
  app.get(
    '/v1/me/methods',
    {
      schema: {
        operationId: 'listMethods',
        tags: ['me'],
        summary: 'List your registered methods',
        security: BEARER,
        response: {
          200: strictObject(
            {
              methods: { type: 'array', items: summarySchema },
              registrationNeeded: { type: 'boolean', description: 'The policy wants more methods registered before a reset is possible.' },
              reconfirmDue: { type: 'boolean', description: 'The policy asks the person to confirm their methods are still current (POST /me/methods/review).' },
            },
            ['methods', 'registrationNeeded', 'reconfirmDue'],
          ),
          ...problemResponses([400, 401, 500, 503]),
        },
      },
    },
    async (request) => {
      const account = await signedIn(deps, request);
      const methods = await deps.methodRegistration.list(account);
      const status = await deps.methodRegistration.status(account, decidePolicy(deps.policyFor(account.tenantId), account));
      return {
        methods: methods.map((m) => ({ ...m, createdAt: m.createdAt.toISOString(), lastUsedAt: m.lastUsedAt?.toISOString() ?? null })),
        registrationNeeded: status.registrationNeeded,
        reconfirmDue: status.reconfirmDue,
      };
    },
  );

  app.post(
    '/v1/me/methods/review',
    {
      schema: {
        operationId: 'reviewMethods',
        tags: ['me'],
        summary: 'Confirm your methods are still current',
        security: BEARER,
        response: { 204: { type: 'null', description: 'Recorded.' }, ...problemResponses([400, 401, 500, 503]) },
      },
    },
    async (request, reply) => {
      await deps.methodRegistration.review({ account: await signedIn(deps, request), client: clientInfo(request) });
      return reply.code(204).send();
    },
  );

  app.post<{ Body: { kind: 'totp' | 'backup_code'; name?: string } }>(
    '/v1/me/methods',
    {
      schema: {
        operationId: 'beginMethod',
        tags: ['me'],
        summary: 'Add a method',
        description: '`totp`: returns the seed, its `otpauth://` URI and a QR code (SVG); it counts once `/finish` confirms a first code. `backup_code`: returns 10 new codes, shown this once; the old set stops working.',
        security: BEARER,
        body: strictObject({ kind: { type: 'string', minLength: 1, maxLength: 16, enum: ['totp', 'backup_code'] }, name: { type: 'string', minLength: 1, maxLength: 64 } }, ['kind']),
        response: {
          201: strictObject(
            {
              methodId: { type: 'string' },
              secret: { type: 'string', description: 'Base32 seed, for typing into an app.' },
              uri: { type: 'string' },
              qrSvg: { type: 'string' },
              codes: { type: 'array', items: { type: 'string' } },
            },
            [],
            'Begun (totp) or created (backup codes).',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401]),
        },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const client = clientInfo(request);
      if (request.body.kind === 'backup_code') {
        return reply.code(201).send(await deps.methodRegistration.regenerateBackupCodes({ account, client }));
      }
      return reply.code(201).send(await deps.methodRegistration.beginTotp({ account, name: request.body.name ?? '', client }));
    },
  );

  app.post<{ Params: { methodId: string }; Body: { code: string } }>(
    '/v1/me/methods/:methodId/finish',
    {
      schema: {
        operationId: 'finishMethod',
        tags: ['me'],
        summary: 'Confirm an authenticator app with its first code',
        security: BEARER,
        params: methodIdParams,
        body: strictObject({ code: codeSchema }, ['code']),
        response: { 200: strictObject({ status: { type: 'string', enum: ['added'] } }, ['status']), ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404, 422]) },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const result = await deps.methodRegistration.finishTotp({ account, methodId: request.params.methodId, code: request.body.code, client: clientInfo(request) });
      return result.ok ? { status: 'added' } : sendResultProblem(request, reply, translate, 'code_invalid');
    },
  );

  app.delete<{ Params: { methodId: string } }>(
    '/v1/me/methods/:methodId',
    {
      schema: {
        operationId: 'deleteMethod',
        tags: ['me'],
        summary: 'Remove a method (`backup_codes` removes the whole set)',
        description: 'Refused with 409 method_required when the policy needs the method to be able to reset.',
        security: BEARER,
        params: methodIdParams,
        response: { 204: { type: 'null', description: 'Removed.' }, ...problemResponses([400, 401, 404, 409, 500, 503]) },
      },
    },
    async (request, reply) => {
      const account = await signedIn(deps, request);
      const decision = decidePolicy(deps.policyFor(account.tenantId), account);
      const result = await deps.methodRegistration.remove({ account, methodId: request.params.methodId, decision, client: clientInfo(request) });
      if (!result.ok) throw new UnlatchError('method_required');
      return reply.code(204).send();
    },
  );
};
