import type { FastifyInstance } from 'fastify';

/**
 * `/assets/portal.js`: the portal's small progressive enhancements (clock times in the browser's zone, show-password
 * buttons), read once at start. Not secret and the same for everyone, so cacheable like the stylesheet.
 */
export function registerEnhancements(app: FastifyInstance, portalJs: string): void {
  app.get('/assets/portal.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(portalJs));
}
