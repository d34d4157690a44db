import type { FastifyInstance } from 'fastify';
import { portalT, renderPage, type PortalContext } from '../page.js';

/** `/`: the sign-post — forgot the password, or change a known one. */
export function registerHome(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/', async (request, reply) => {
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'home', { title: t('home.title') });
  });
}
