import { UnlatchError } from '../../core/errors.js';
import type { CodeMethod } from '../../core/methods/method-verifier.js';
import { SIGN_IN_KINDS } from '../../core/methods/method-kinds.js';
import type { WebAuthnResponseJson } from '../../core/ports/webauthn.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, bearerToken } from './me-auth.js';
import { sendResultProblem } from './problems.js';
import { authenticationResponseSchema } from './webauthn-schemas.js';
import { codeSchema, COMMON_POST_PROBLEMS, expiresAtSchema, identifierSchema, passwordSchema, problemResponses, strictObject, tenantSchema } from './schemas.js';

const methodSchema = { type: 'string', minLength: 1, maxLength: 16, enum: [...SIGN_IN_KINDS], description: 'The registered method the code (or, for webauthn, the credential) comes from; `sms_code` only for a person with no stronger method (code from POST /me/session/sms).' };

/** A code for the code methods; for `webauthn` a `credential` (answering POST /me/session/passkey/options) and no code. */
const verifyBodySchema = {
  ...strictObject({ method: methodSchema, code: codeSchema, credential: authenticationResponseSchema }, ['method']),
  if: { required: ['method'], properties: { method: { const: 'webauthn' } } },
  then: { required: ['credential'], not: { required: ['code'] } },
  else: { required: ['code'], not: { required: ['credential'] } },
};

/**
 * `POST /api/v1/me/session` (password), `POST /api/v1/me/session/verify` (a registered method, when the
 * person has one), `DELETE /api/v1/me/session`: signing in to manage one's own methods.
 */
export const meSessionRoutes: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Body: { tenant?: string; identifier: string; password: string } }>(
    '/v1/me/session',
    {
      schema: {
        operationId: 'signIn',
        tags: ['me'],
        summary: 'Sign in to manage your methods',
        description: 'The password first. When the person has registered a method, `next` is `verify_method` and the session counts only after `/me/session/verify`; when the only methods are phones, `methods` is `["sms_code"]` and the code comes from POST /me/session/sms.',
        body: strictObject({ tenant: tenantSchema, identifier: identifierSchema, password: passwordSchema }, ['identifier', 'password']),
        response: {
          201: strictObject(
            {
              token: { type: 'string', description: 'Bearer token for `Authorization: Bearer …`; keep it secret.' },
              next: { type: 'string', enum: ['verify_method', 'done'] },
              methods: { type: 'array', items: methodSchema },
              expiresAt: expiresAtSchema,
            },
            ['token', 'next', 'methods', 'expiresAt'],
            'Signed in (or half-way, see `next`).',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401]),
        },
      },
    },
    async (request, reply) => {
      const tenantId = request.body.tenant ?? deps.config.defaultTenant;
      if (tenantId === undefined) throw new UnlatchError('invalid_request', { field: 'tenant' });
      const result = await deps.signIn.start({ tenantId, identifier: request.body.identifier, password: request.body.password, client: clientInfo(request) });
      return reply.code(201).send({ token: result.token, next: result.next, methods: result.methods, expiresAt: result.expiresAt.toISOString() });
    },
  );

  app.post<{ Body: { methodId?: string } | undefined }>(
    '/v1/me/session/sms',
    {
      schema: {
        operationId: 'signInSendSms',
        tags: ['me'],
        summary: 'Text a sign-in code to your phone',
        description:
          'For a session at `next: verify_method` whose methods are `["sms_code"]` (a confirmed phone and no stronger method). Texts a 6-digit code to `methodId`, ' +
          'or to the most recently added phone; then POST /me/session/verify `{ "method": "sms_code", "code": "…" }`. A newer code replaces the previous one; ' +
          'wrong codes count like any wrong proof. The SMS limits answer 429 rate_limited.',
        security: BEARER,
        body: strictObject({ methodId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }, []),
        response: {
          202: strictObject({ phone: { type: 'string', description: 'The number, masked (`•••• 0123`).' }, expiresAt: expiresAtSchema }, ['phone', 'expiresAt'], 'Queued.'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404]),
        },
      },
    },
    async (request, reply) => {
      const methodId = request.body?.methodId;
      const sent = await deps.signIn.sendSms({ token: bearerToken(request), ...(methodId !== undefined ? { methodId } : {}), client: clientInfo(request) });
      return reply.code(202).send({ phone: sent.phone, expiresAt: sent.expiresAt.toISOString() });
    },
  );

  app.post<{ Body: { method: CodeMethod | 'webauthn' | 'sms_code'; code?: string; credential?: WebAuthnResponseJson } }>(
    '/v1/me/session/verify',
    {
      schema: {
        operationId: 'signInVerify',
        tags: ['me'],
        summary: 'Prove a registered method to finish signing in',
        security: BEARER,
        body: verifyBodySchema,
        response: {
          200: strictObject({ next: { type: 'string', enum: ['done'] } }, ['next'], 'Signed in.'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 409, 410, 422]),
        },
      },
    },
    async (request, reply) => {
      const { method, code, credential } = request.body;
      const result =
        method === 'webauthn'
          ? await deps.signIn.provePasskey({ token: bearerToken(request), credential: credential!, client: clientInfo(request) })
          : await deps.signIn.proveMethod({ token: bearerToken(request), method, code: code!, client: clientInfo(request) });
      if (result.ok) return { next: 'done' };
      if (result.code === 'code_invalid') return sendResultProblem(request, reply, translate, 'code_invalid', { attemptsLeft: result.attemptsLeft });
      return sendResultProblem(request, reply, translate, result.code);
    },
  );

  app.delete(
    '/v1/me/session',
    { schema: { operationId: 'signOut', tags: ['me'], summary: 'Sign out', security: BEARER, response: { 204: { type: 'null', description: 'Signed out.' }, ...problemResponses([400, 401, 500, 503]) } } },
    async (request, reply) => {
      await deps.signIn.signOut(bearerToken(request), clientInfo(request));
      return reply.code(204).send();
    },
  );
};
