import { adminApiPlugin } from '../admin/api/admin-api.js';
import { AREAS } from '../admin/areas/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { UnlatchError } from '../../core/errors.js';
import { packageRoot } from '../../package-root.js';
import type { HttpDeps, Surface } from '../http-deps.js';
import { sendProblem } from '../problem.js';
import type { ApiContext, ApiRoute } from './api-context.js';
import { passwordChangeRoute } from './password-change.js';
import { apiTranslator } from './problems.js';
import { resetGetRoute } from './reset-get.js';
import { resetPasswordRoute } from './reset-password.js';
import { resetStartRoute } from './reset-start.js';
import { unlockRoutes } from './unlock.js';
import { resetVerifyRoute } from './reset-verify.js';
import { meMethodsRoutes } from './me-methods.js';
import { meSessionRoutes } from './me-session.js';
import { meSessionPassRoute } from './me-session-pass.js';
import { mePasskeysRoutes } from './me-passkeys.js';
import { resetPasskeyRoute } from './reset-passkey.js';
import { resetSmsRoute } from './reset-sms.js';
import { meQuestionsRoutes } from './me-questions.js';
import { meMethodTestRoutes } from './me-method-test.js';
import { proofOfWorkChallengeRoute } from './proof-of-work-api.js';

const ROUTES: readonly ApiRoute[] = [resetStartRoute, resetGetRoute, resetVerifyRoute, resetPasswordRoute, passwordChangeRoute, meSessionRoutes, meSessionPassRoute, meMethodsRoutes, mePasskeysRoutes, resetPasskeyRoute, resetSmsRoute, meQuestionsRoutes, unlockRoutes, meMethodTestRoutes, proofOfWorkChallengeRoute];

/**
 * The JSON API (registered under `/api`): one route per file, described at `/api/openapi.json`.
 * Everything in here answers JSON, errors as RFC 9457 problem JSON, and is never cached.
 */
export const apiPlugin: FastifyPluginAsync<{ deps: HttpDeps; surface?: Surface }> = async (app, { deps, surface = 'all' }) => {
  const translate = apiTranslator(deps.i18n);

  // Only application/json reaches the handlers; anything else (a form post, text/plain) is a 415.
  // The root has @fastify/formbody for the portal; parsers are encapsulated, so this touches only /api.
  // Requiring JSON also keeps cross-site HTML forms (which cannot send it without CORS) away from the API.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply, translate));
  const notFound = (request: FastifyRequest, reply: FastifyReply) => sendProblem(new UnlatchError('not_found'), request, reply, translate);
  app.setNotFoundHandler(notFound);
  // The portal catches every unknown GET with a `/*` route to show its HTML 404 page; these more
  // specific catch-alls keep /api's unknown GETs in the API's hands, answering problem JSON.
  app.get('/', { schema: { hide: true } }, notFound);
  app.get('/*', { schema: { hide: true } }, notFound);
  app.addHook('onSend', async (_request, reply) => {
    // Flow ids, expiry and rejection reasons are per person: no cache may keep them.
    reply.header('cache-control', 'no-store');
  });

  // fastify-plugin'd, so it decorates this (encapsulated) instance and its onRoute hook sees only API routes.
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Unlatch API',
        version: packageVersion(),
        description:
          'Self-service password reset and change. Errors are RFC 9457 problem JSON (application/problem+json) ' +
          'with a stable `code`. Every response is `Cache-Control: no-store`.',
      },
      tags: [
        { name: 'reset', description: 'Reset a forgotten password with a code sent by email.' },
        { name: 'password', description: 'Change a known password.' },
        { name: 'me', description: 'Sign in and manage your own verification methods.' },
        { name: 'admin', description: 'The operator console as JSON (bearer token from `unlatch admin token create`).' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token from POST /api/v1/me/session, or for /api/v1/admin an admin API token.' } } },
    },
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const context: ApiContext = { deps, translate };
  if (surface !== 'admin') for (const route of ROUTES) route(app, context);
  if (surface !== 'public' && deps.admin) {
    const secureCookies = deps.config.publicUrl?.startsWith('https://') ?? false;
    await app.register(adminApiPlugin, { prefix: '/v1/admin', ctx: { deps, admin: deps.admin, areas: AREAS, secureCookies } });
  }
};

/** The version from package.json, or "1" when it cannot be read. */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '1';
  } catch {
    return '1';
  }
}
