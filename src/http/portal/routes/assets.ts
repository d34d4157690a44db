import type { FastifyInstance } from 'fastify';

/** The portal's one stylesheet, read once at start; the CSP allows styles from 'self' only. */
export function registerAssets(app: FastifyInstance, css: string): void {
  app.get('/assets/portal.css', async (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      // Not secret and the same for everyone: the no-store of the pages does not apply.
      .header('cache-control', 'public, max-age=3600')
      .send(css),
  );
}
