import type { ApiRoute } from './api-context.js';
import { clientInfo } from './client-info.js';
import { COMMON_POST_PROBLEMS, flowIdParamsSchema, problemResponses } from './schemas.js';
import { optionsSchema } from './webauthn-schemas.js';

/**
 * `POST /api/v1/reset/{flowId}/passkey/options`: options for proving the reset with a passkey.
 *
 * Enumeration: every live flow gets the same answer — a fresh 256-bit challenge, the RP ID, user
 * verification, and an EMPTY `allowCredentials` (the browser offers the discoverable passkeys it holds
 * for this site). Listing the person's credentials would tell anyone who starts a reset whether the account
 * exists and has passkeys; decoy flows get a stored challenge too, so neither the body nor the work differs.
 * The cost: a security key that cannot hold discoverable credentials cannot prove a reset.
 */
export const resetPasskeyRoute: ApiRoute = (app, { deps }) => {
  app.post<{ Params: { flowId: string } }>(
    '/v1/reset/:flowId/passkey/options',
    {
      schema: {
        operationId: 'resetPasskeyOptions',
        tags: ['reset'],
        summary: 'Options for proving a reset with a passkey: navigator.credentials.get()',
        description:
          'Then POST /reset/{flowId}/verify `{ "method": "webauthn", "credential": … }`. The challenge is single-use and bound to the flow; ' +
          '`allowCredentials` is always empty (discoverable credentials), so the answer is the same for every account.',
        params: flowIdParamsSchema,
        response: {
          200: optionsSchema('PublicKeyCredentialRequestOptionsJSON.', ['challenge']),
          ...problemResponses([...COMMON_POST_PROBLEMS, 409, 410]),
        },
      },
    },
    async (request) => deps.resetFlow.passkeyOptions({ flowId: request.params.flowId, client: clientInfo(request) }),
  );
};
