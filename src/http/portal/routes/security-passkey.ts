import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import type { DirectoryAccount } from '../../../core/ports/directory.js';
import type { WebAuthnResponseJson } from '../../../core/ports/webauthn.js';
import { authenticationResponseSchema, registrationResponseSchema } from '../../api/webauthn-schemas.js';
import { clientOf, portalT, renderPage, type PortalContext } from '../page.js';
import { jsonEndpoint, jsonError, jsonNext, jsonSchema, NAME_PROPERTY } from '../passkey-json.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie, SIGN_IN_PAGE } from '../session-cookie.js';
import { seeOther } from './flow-step.js';

/** Where the list goes after a passkey was added. */
export const PASSKEY_ADDED_PAGE = '/security-info?done=passkey_added';

/**
 * `/security-info/passkey`: add a passkey or security key. The page (name field, button) works with
 * `/assets/passkeys.js`: `POST /security-info/passkey/options` gives the creation options (challenge bound
 * to this session), the browser creates the credential, `POST /security-info/passkey` stores it. Without
 * JavaScript the page says a browser with JavaScript is needed.
 *
 * And the sign-in step-up with a passkey: `POST /security-info/verify/passkey/options` and
 * `POST /security-info/verify/passkey`, for a half-signed-in session that registered one.
 */
export function registerSecurityPasskey(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/passkey', async (request, reply) => {
    if (!(await fullSession(ctx, request))) return seeOther(reply, SIGN_IN_PAGE);
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'security-passkey', { title: t('security_passkey.title'), form: true, passkeys: true, defaultName: t('security_passkey.name.default') });
  });

  app.post<{ Body: { name?: string } }>('/security-info/passkey/options', { schema: jsonSchema({ name: NAME_PROPERTY }) }, async (request, reply) =>
    jsonEndpoint(ctx, request, reply, async () => {
      const signed = await fullSession(ctx, request);
      if (!signed) return jsonNext(reply, SIGN_IN_PAGE);
      const options = await ctx.deps.methodRegistration.beginPasskey({ account: signed.account, sessionHash: signed.tokenHash, name: request.body.name ?? '', client: clientOf(request) });
      return reply.type('application/json; charset=utf-8').send(options);
    }),
  );

  app.post<{ Body: { name?: string; response: WebAuthnResponseJson } }>(
    '/security-info/passkey',
    { schema: jsonSchema({ name: NAME_PROPERTY, response: registrationResponseSchema }, ['response']) },
    async (request, reply) =>
      jsonEndpoint(ctx, request, reply, async () => {
        const signed = await fullSession(ctx, request);
        if (!signed) return jsonNext(reply, SIGN_IN_PAGE);
        const result = await ctx.deps.methodRegistration.finishPasskey({
          account: signed.account,
          sessionHash: signed.tokenHash,
          name: request.body.name ?? '',
          response: request.body.response,
          client: clientOf(request),
        });
        if (result.ok) return jsonNext(reply, PASSKEY_ADDED_PAGE);
        return jsonError(reply, 422, portalT(ctx, request)('security_passkey.refused'));
      }),
  );

  app.post('/security-info/verify/passkey/options', { schema: jsonSchema({}) }, async (request, reply) =>
    jsonEndpoint(ctx, request, reply, async () => {
      const cookie = readSessionCookie(request);
      if (!cookie || !cookie.methods.includes('webauthn')) return jsonNext(reply, SIGN_IN_PAGE);
      try {
        return reply.type('application/json; charset=utf-8').send(await ctx.deps.signIn.passkeyOptions({ token: cookie.token }));
      } catch (error) {
        if (!isUnlatchError(error) || error.code !== 'session_invalid') throw error;
        clearSessionCookie(ctx, reply);
        return jsonNext(reply, SIGN_IN_PAGE);
      }
    }),
  );

  app.post<{ Body: { credential: WebAuthnResponseJson } }>(
    '/security-info/verify/passkey',
    { schema: jsonSchema({ credential: authenticationResponseSchema }, ['credential']) },
    async (request, reply) =>
      jsonEndpoint(ctx, request, reply, async () => {
        const cookie = readSessionCookie(request);
        if (!cookie || !cookie.methods.includes('webauthn')) return jsonNext(reply, SIGN_IN_PAGE);
        const t = portalT(ctx, request);
        let result;
        try {
          result = await ctx.deps.signIn.provePasskey({ token: cookie.token, credential: request.body.credential, client: clientOf(request) });
        } catch (error) {
          if (!isUnlatchError(error) || error.code !== 'session_invalid') throw error;
          clearSessionCookie(ctx, reply);
          return jsonNext(reply, SIGN_IN_PAGE);
        }
        if (result.ok) {
          setSessionCookie(ctx, reply, cookie.token, []);
          return jsonNext(reply, '/security-info');
        }
        if (result.code === 'code_attempts_exceeded') {
          clearSessionCookie(ctx, reply);
          return jsonNext(reply, SIGN_IN_PAGE);
        }
        return jsonError(reply, 422, t('security_verify.passkey.wrong', { count: result.attemptsLeft }));
      }),
  );
}

/** The account and session hash of a full session (the registration challenge is bound to the session). */
export async function fullSession(ctx: PortalContext, request: FastifyRequest): Promise<{ account: DirectoryAccount; tokenHash: string } | null> {
  const cookie = readSessionCookie(request);
  if (!cookie) return null;
  try {
    const { account, session } = await ctx.deps.signIn.resolve(cookie.token);
    return { account, tokenHash: session.tokenHash };
  } catch (error) {
    if (isUnlatchError(error) && error.code === 'session_invalid') return null;
    throw error;
  }
}

