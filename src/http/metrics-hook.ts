import type { FastifyInstance } from 'fastify';

/** One answered request, for the HTTP duration histogram: the route pattern, never the raw URL. */
export interface HttpSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

/**
 * Times every request of this server (a root hook, so every plugin's routes are covered) by its route pattern:
 * `routeOptions.url` is the pattern a route was registered with, never the URL asked for; a request no route
 * matched is `unmatched`, so scanners probing paths add no label values.
 */
export function recordHttpDurations(app: FastifyInstance, observe: (sample: HttpSample) => void): void {
  app.addHook('onResponse', async (request, reply) => {
    const matched = request.is404 ? undefined : request.routeOptions.url;
    observe({ method: request.method, route: matched ?? 'unmatched', status: reply.statusCode, seconds: reply.elapsedTime / 1000 });
  });
}
