import type { FastifyInstance } from 'fastify';
import type { WebAuthnResponseJson } from '../../../core/ports/webauthn.js';
import { authenticationResponseSchema } from '../../api/webauthn-schemas.js';
import { readFlowCookie, setFlowCookie } from '../flow-cookie.js';
import { clientOf, portalT, type PortalContext } from '../page.js';
import { jsonEndpoint, jsonError, jsonNext, jsonSchema } from '../passkey-json.js';
import { STEP_PAGE } from './flow-step.js';

/** A flow at another step, or ended: /reset/code sends the person to its step's page, or says it ended. */
const FLOW_PAGES = { flow_wrong_step: STEP_PAGE.verify_code, flow_invalid: STEP_PAGE.verify_code };

/**
 * Proving a reset with a passkey, for `/assets/passkeys.js` on `/reset/code` and `/reset/second`:
 * `POST /reset/passkey/options` gives the request options (a single-use challenge bound to the flow of
 * the cookie, `allowCredentials` always empty, so the answer is the same for every account, real or
 * decoy), `POST /reset/passkey` checks the browser's answer as a proof of the flow (`method: webauthn`).
 * A refused passkey costs an attempt like a wrong code and says the same for everyone.
 */
export function registerResetPasskey(app: FastifyInstance, ctx: PortalContext): void {
  app.post('/reset/passkey/options', { schema: jsonSchema({}) }, async (request, reply) =>
    jsonEndpoint(ctx, request, reply, async () => {
      const flowId = readFlowCookie(request);
      if (!flowId) return jsonNext(reply, '/reset');
      const options = await ctx.deps.resetFlow.passkeyOptions({ flowId, client: clientOf(request) });
      return reply.type('application/json; charset=utf-8').send(options);
    }, FLOW_PAGES),
  );

  app.post<{ Body: { credential: WebAuthnResponseJson } }>(
    '/reset/passkey',
    { schema: jsonSchema({ credential: authenticationResponseSchema }, ['credential']) },
    async (request, reply) =>
      jsonEndpoint(ctx, request, reply, async () => {
        const flowId = readFlowCookie(request);
        if (!flowId) return jsonNext(reply, '/reset');
        const result = await ctx.deps.resetFlow.verifyCode({ flowId, method: 'webauthn', credential: request.body.credential, client: clientOf(request) });
        if (result.ok && result.next === 'verify_second') {
          setFlowCookie(ctx, reply, flowId, result.methods);
          return jsonNext(reply, STEP_PAGE.verify_second);
        }
        if (result.ok) return jsonNext(reply, STEP_PAGE[result.next]);
        // The flow has ended: its page says so and offers to start again.
        if (result.code === 'code_attempts_exceeded') return jsonNext(reply, STEP_PAGE.verify_code);
        return jsonError(reply, 422, portalT(ctx, request)('reset_code.passkey.wrong', { count: result.attemptsLeft }));
      }, FLOW_PAGES),
  );
}
