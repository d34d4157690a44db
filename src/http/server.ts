import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { HttpDeps, Surface } from './http-deps.js';
import { adminConsolePlugin } from './admin/index.js';
import { registerFallbackErrors } from './fallback-errors.js';
import { securityHeaders } from './security-headers.js';
import { errorTranslator, sendProblem } from './problem.js';
import { registerLanguageRoute } from './language-choice.js';
import { healthRoutes } from './health.js';
import { hooksJwksRoute } from './hooks-jwks.js';
import { metricsRoute } from './metrics.js';
import { apiPlugin } from './api/index.js';
import { portalPlugin } from './portal/index.js';
import { defaultFavicon } from './portal/default-favicon.js';
import { registerFavicon } from './portal/routes/brand-assets.js';
import { registerTracing } from './tracing-hooks.js';
import { recordHttpDurations } from './metrics-hook.js';

/** A correlation id from the caller is kept only if it is short and plain, so it cannot forge log lines. */
const CORRELATION_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/**
 * Builds the HTTP server: security headers, parsers, then one plugin per surface. `surface` picks what this
 * listener serves: `public` leaves out the console (it has its own listener, `admin.listen`), `admin` serves
 * only the console, its API and the health endpoints.
 */
export async function buildServer(deps: HttpDeps, surface: Surface = 'all'): Promise<FastifyInstance> {
  const { config } = deps;
  const translate = errorTranslator(deps.i18n);
  const app = Fastify({
    loggerInstance: deps.logger,
    trustProxy: trustProxyOf(config.server.trustProxy),
    bodyLimit: config.server.bodyLimit,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
    },
    ajv: {
      // One value per field: no type coercion (an array never becomes a string), no silent dropping of unknown keys.
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
    return503OnClosing: true,
    // Router-level failures (over-long or badly encoded paths) answer problem JSON too, never echoing the path.
    frameworkErrors: (error, request, reply) => {
      sendProblem(error, request, reply, translate);
    },
  });

  // Before any route: the span hooks wrap each route's handler as it is added.
  if (deps.tracing) registerTracing(app);
  if (deps.observeHttp) recordHttpDurations(app, deps.observeHttp);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const headers = securityHeaders({ tls: config.publicUrl?.startsWith('https://') ?? false });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  await app.register(cookie, { secret: deps.cookieSecrets });
  await app.register(formbody, { bodyLimit: config.server.bodyLimit });

  registerFallbackErrors(app, translate);
  // The language switcher's target, on every surface: the console's listener has its own switcher too.
  registerLanguageRoute(app, deps);
  await app.register(healthRoutes, { deps });
  if (deps.hooksJwks && surface !== 'admin') await app.register(hooksJwksRoute, { deps });
  // With a separate metrics listener (`metrics.listen`), the public port does not serve /metrics at all.
  if (!config.metrics.listen && surface !== 'admin') await app.register(metricsRoute, { deps });
  await app.register(apiPlugin, { deps, prefix: '/api', surface });
  if (deps.admin && surface !== 'public') await app.register(adminConsolePlugin, { deps, admin: deps.admin });
  if (surface !== 'admin') await app.register(portalPlugin, { deps });
  // The console's own listener has no portal, but browsers still ask it for the icon: Unlatch's, not a 404.
  else registerFavicon(app, defaultFavicon());
  return app;
}

/** Fastify takes a hop count as a function; booleans and address lists pass through. */
function trustProxyOf(setting: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}
