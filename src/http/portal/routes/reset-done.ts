import type { FastifyInstance } from 'fastify';
import { clearFlowCookie } from '../flow-cookie.js';
import { portalT, renderPage, type PortalContext } from '../page.js';

/** `/reset/done`: the end of a reset. The flow cookie goes; the flow itself is already finished in core. */
export function registerResetDone(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/done', async (request, reply) => {
    clearFlowCookie(ctx, reply);
    const t = portalT(ctx, request);
    const pending = (request.query as Record<string, unknown> | undefined)?.signin === 'pending';
    return renderPage(ctx, request, reply, 'reset-done', { title: t('reset_done.title'), signInPending: pending });
  });
}
