import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from './http-deps.js';

/**
 * `/healthz`: the process answers. `/readyz`: it can do its work (the store answers) and is not shutting
 * down: from the shutdown signal on it answers 503 `draining`, so load balancers stop sending new requests.
 */
export const healthRoutes: FastifyPluginAsync<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send({ status: 'ok' });
  });
  app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
    if (deps.draining?.() === true) return reply.code(503).header('cache-control', 'no-store').send({ status: 'draining' });
    const checks = await deps.readiness();
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'ready' : 'unavailable', checks });
  });
};
