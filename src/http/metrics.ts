import type { FastifyPluginAsync } from 'fastify';
import type { HttpDeps } from './http-deps.js';

/** Prometheus exposition of the SSPR SLIs. */
export const metricsRoute: FastifyPluginAsync<{ deps: Pick<HttpDeps, 'metricsRegistry'> }> = async (app, { deps }) => {
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    const body = await deps.metricsRegistry.metrics();
    return reply.header('content-type', deps.metricsRegistry.contentType).header('cache-control', 'no-store').send(body);
  });
};
