import { TESTABLE_KINDS } from '../../core/methods/method-kinds.js';
import type { WebAuthnResponseJson } from '../../core/ports/webauthn.js';
import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { BEARER, bearerToken } from './me-auth.js';
import { methodIdParams } from './me-methods.js';
import { sendResultProblem } from './problems.js';
import { codeSchema, COMMON_POST_PROBLEMS, problemResponses, strictObject } from './schemas.js';
import { authenticationResponseSchema, optionsSchema } from './webauthn-schemas.js';

/**
 * Testing one of your methods without changing it: `POST /api/v1/me/methods/{methodId}/test` begins (nothing
 * to send for an app; a code texted or mailed to a phone or address; passkey options naming only that
 * passkey), `…/test/finish` answers with the code or the browser's assertion. A full session is required;
 * see `src/core/methods/method-test.ts` for the rules.
 */
export const meMethodTestRoutes: ApiRoute = (app, { deps, translate }) => {
  app.post<{ Params: { methodId: string } }>(
    '/v1/me/methods/:methodId/test',
    {
      schema: {
        operationId: 'beginMethodTest',
        tags: ['me'],
        summary: 'Start testing a method',
        description:
          'Authenticator app: `{ "next": "code" }` — type a current code at /test/finish. Phone number or email address: a 6-digit code is texted or mailed to it ' +
          '(valid 10 minutes, single-use, bound to this session; the SMS limits or `send_destination` answer 429 rate_limited) and the answer names where it went. ' +
          'Passkey: `{ "next": "passkey", "options": … }` for navigator.credentials.get(), allowing only that passkey. ' +
          'Backup codes (a test would spend one) and security questions have no test: 400 invalid_request. A method that is not yours is 404. No body is needed.',
        security: BEARER,
        params: methodIdParams,
        response: {
          200: strictObject(
            {
              next: { type: 'string', enum: ['code', 'passkey'] },
              kind: { type: 'string', enum: [...TESTABLE_KINDS] },
              sentTo: { type: 'string', description: 'sms_code, email_code: where the code went, masked (`•••• 0123`, `j•••@example.org`).' },
              expiresAt: { type: 'string', format: 'date-time', description: 'sms_code, email_code: when the code stops working.' },
              options: optionsSchema('webauthn: PublicKeyCredentialRequestOptionsJSON (allowCredentials names only this passkey).', ['challenge']),
            },
            ['next', 'kind'],
            'Begun.',
          ),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404]),
        },
      },
    },
    async (request) => {
      const { account, session } = await deps.signIn.resolve(bearerToken(request));
      const begun = await deps.methodTest.begin({ account, sessionHash: session.tokenHash, methodId: request.params.methodId, client: clientInfo(request) });
      if (begun.next === 'passkey') return begun;
      if (begun.kind === 'totp') return begun;
      return { ...begun, expiresAt: begun.expiresAt.toISOString() };
    },
  );

  app.post<{ Params: { methodId: string }; Body: { code?: string; credential?: WebAuthnResponseJson } }>(
    '/v1/me/methods/:methodId/test/finish',
    {
      schema: {
        operationId: 'finishMethodTest',
        tags: ['me'],
        summary: 'Finish testing a method: the code, or the passkey’s answer',
        description:
          '`{ "code" }` for an app, phone or address; `{ "credential" }` for a passkey. `{ "status": "works" }` when it does (the method’s lastUsedAt moves; an app code is spent, like any use). ' +
          'Otherwise 422 code_invalid with attemptsLeft. Every try counts, right or wrong: 5 per method per 10 minutes by default (`rateLimits.method_test`), then 429 rate_limited.',
        security: BEARER,
        params: methodIdParams,
        body: strictObject({ code: codeSchema, credential: authenticationResponseSchema }, []),
        response: {
          200: strictObject({ status: { type: 'string', enum: ['works'] } }, ['status'], 'It works.'),
          ...problemResponses([...COMMON_POST_PROBLEMS, 401, 404, 422]),
        },
      },
    },
    async (request, reply) => {
      const { account, session } = await deps.signIn.resolve(bearerToken(request));
      const result = await deps.methodTest.finish({
        account,
        sessionHash: session.tokenHash,
        methodId: request.params.methodId,
        ...(request.body.code === undefined ? {} : { code: request.body.code }),
        ...(request.body.credential === undefined ? {} : { credential: request.body.credential }),
        client: clientInfo(request),
      });
      if (result.ok) return { status: 'works' };
      return sendResultProblem(request, reply, translate, 'code_invalid', result.attemptsLeft === undefined ? {} : { attemptsLeft: result.attemptsLeft });
    },
  );
};
