import type { WebAuthnResponseJson } from '../../core/ports/webauthn.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, bearerToken } from './me-auth.js';
import { sendResultProblem } from './problems.js';
import { COMMON_POST_PROBLEMS, problemResponses, strictObject } from './schemas.js';
import { optionsSchema, registrationResponseSchema } from './webauthn-schemas.js';

const nameSchema = { type: 'string', minLength: 1, maxLength: 64, description: 'Your label for the passkey ("YubiKey", "Laptop"); default "Passkey".' };

/**
 * Passkeys under `/api/v1/me`: adding one (options, then the browser's answer) with a full session, and
 * the options for finishing a sign-in with one (a half-signed-in session). Challenges are single-use and
 * bound to the session; see `src/core/methods/webauthn/passkeys.ts`.
 */
export const mePasskeysRoutes: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Body: { name?: string } }>(
    '/v1/me/passkeys/options',
    {
      schema: {
        operationId: 'beginPasskey',
        tags: ['me'],
        summary: 'Start adding a passkey: options for navigator.credentials.create()',
        description: 'User verification is required by default, resident keys preferred, attestation `none`; your passkeys are excluded. The challenge is single-use, bound to this session.',
        security: BEARER,
        body: strictObject({ name: nameSchema }, []),
        response: {
          200: optionsSchema('PublicKeyCredentialCreationOptionsJSON.', ['challenge', 'rp', 'user', 'pubKeyCredParams']),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401]),
        },
      },
    },
    async (request) => {
      const { account, session } = await deps.signIn.resolve(bearerToken(request));
      return deps.methodRegistration.beginPasskey({ account, sessionHash: session.tokenHash, name: request.body.name ?? '', client: clientInfo(request) });
    },
  );

  app.post<{ Body: { name?: string; response: WebAuthnResponseJson } }>(
    '/v1/me/passkeys',
    {
      schema: {
        operationId: 'finishPasskey',
        tags: ['me'],
        summary: 'Finish adding a passkey with the browser’s answer',
        description: 'A refused answer (wrong or spent challenge, origin, RP ID, no user verification) is 422 code_invalid; start again with /options.',
        security: BEARER,
        body: strictObject({ name: nameSchema, response: registrationResponseSchema }, ['response']),
        response: {
          201: strictObject({ methodId: { type: 'string' }, status: { type: 'string', enum: ['added'] } }, ['methodId', 'status'], 'Added.'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 422]),
        },
      },
    },
    async (request, reply) => {
      const { account, session } = await deps.signIn.resolve(bearerToken(request));
      const result = await deps.methodRegistration.finishPasskey({
        account,
        sessionHash: session.tokenHash,
        name: request.body.name ?? '',
        response: request.body.response,
        client: clientInfo(request),
      });
      if (!result.ok) return sendResultProblem(request, reply, translate, result.code);
      return reply.code(201).send({ methodId: result.methodId, status: 'added' });
    },
  );

  app.post(
    '/v1/me/session/passkey/options',
    {
      schema: {
        operationId: 'signInPasskeyOptions',
        tags: ['me'],
        summary: 'Options for finishing a sign-in with a passkey: navigator.credentials.get()',
        description: 'For a session at `next: verify_method` whose methods include `webauthn`; answer with POST /me/session/verify `{ "method": "webauthn", "credential": … }`.',
        security: BEARER,
        response: {
          200: optionsSchema('PublicKeyCredentialRequestOptionsJSON.', ['challenge']),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401]),
        },
      },
    },
    async (request) => deps.signIn.passkeyOptions({ token: bearerToken(request) }),
  );
};
