import { UnlatchError } from '../../core/errors.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { COMMON_POST_PROBLEMS, expiresAtSchema, identifierSchema, problemResponses, strictObject, tenantSchema } from './schemas.js';

/** `POST /api/v1/me/session/pass`: signing in to manage one's methods with a temporary access pass from the helpdesk. */
export const meSessionPassRoute: ApiRoute = (app, { deps }) => {
  app.post<{ Body: { tenant?: string; identifier: string; pass: string } }>(
    '/v1/me/session/pass',
    {
      schema: {
        operationId: 'signInWithAccessPass',
        tags: ['me'],
        summary: 'Sign in with a temporary access pass',
        description:
          'For a person who lost every method: the helpdesk verified them and gave them a pass. The pass replaces the password and the method; ' +
          'one use is spent and the session is full at once (`next: done`). An unknown account and a wrong, spent or expired pass answer 401 invalid_credentials alike.',
        body: strictObject(
          { tenant: tenantSchema, identifier: identifierSchema, pass: { type: 'string', minLength: 1, maxLength: 64, description: 'The pass, grouped (`ABCD-EFGH-JKMN-PQRS`) or not; case does not matter.' } },
          ['identifier', 'pass'],
        ),
        response: {
          201: strictObject(
            {
              token: { type: 'string', description: 'Bearer token for `Authorization: Bearer …`; keep it secret.' },
              next: { type: 'string', enum: ['done'] },
              expiresAt: expiresAtSchema,
            },
            ['token', 'next', 'expiresAt'],
            'Signed in.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401]),
        },
      },
    },
    async (request, reply) => {
      const tenantId = request.body.tenant ?? deps.config.defaultTenant;
      if (tenantId === undefined) throw new UnlatchError('invalid_request', { field: 'tenant' });
      const signed = await deps.signIn.startWithAccessPass({ tenantId, identifier: request.body.identifier, pass: request.body.pass, client: clientInfo(request) });
      return reply.code(201).send({ token: signed.token, next: 'done', expiresAt: signed.expiresAt.toISOString() });
    },
  );
};
