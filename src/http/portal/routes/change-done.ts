import type { FastifyInstance } from 'fastify';
import { portalT, renderPage, type PortalContext } from '../page.js';

/** `/change/done`: where a successful change lands (POST → 303 → GET, so a reload sends nothing again). */
export function registerChangeDone(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/change/done', async (request, reply) => {
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'change-done', { title: t('change_done.title') });
  });
}
