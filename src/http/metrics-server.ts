import Fastify, { type FastifyInstance } from 'fastify';
import type { HttpDeps } from './http-deps.js';
import { metricsRoute } from './metrics.js';

/** `host:port` (`0.0.0.0:9464`, `[::1]:9464`) as Node's listen options take it. */
export function parseListen(listen: string): { host: string; port: number } {
  const colon = listen.lastIndexOf(':');
  const host = listen.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(listen.slice(colon + 1)) };
}

/**
 * The separate listener for `/metrics` (`metrics.listen`): only that route, so the port can be opened to the
 * monitoring network and nothing else, and the public port need not carry operators' counters.
 */
export async function buildMetricsServer(deps: Pick<HttpDeps, 'metricsRegistry' | 'logger'>): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger, return503OnClosing: true });
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
  });
  await app.register(metricsRoute, { deps });
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found: this listener serves /metrics only.\n'));
  return app;
}
