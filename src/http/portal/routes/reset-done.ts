import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clearFlowCookie } from '../flow-cookie.js';
import { portalT, renderPage, type PortalContext } from '../page.js';
import { ratingForm, registerRatingPost, type RatingView } from './rating.js';

/**
 * `/reset/done`: the end of a reset. The flow cookie goes; the flow itself is already finished in core. The page
 * asks the anonymous "How easy was this?" (`portal.frictionRating`); its POST redirects back here (`?rated=1`) to a thank-you.
 */
export function registerResetDone(app: FastifyInstance, ctx: PortalContext): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, rating: RatingView) => {
    clearFlowCookie(ctx, reply);
    const t = portalT(ctx, request);
    const pending = (request.query as Record<string, unknown> | undefined)?.signin === 'pending';
    return renderPage(ctx, request, reply, 'reset-done', { title: t('reset_done.title'), signInPending: pending, rating, form: rating !== null && !('thanks' in rating) });
  };
  app.get('/reset/done', async (request, reply) => render(request, reply, await ratingForm(ctx, request, 'reset')));
  registerRatingPost(app, ctx, 'reset');
}
