import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { portalT, renderPage, type PortalContext } from '../page.js';
import { ratingForm, registerRatingPost, type RatingView } from './rating.js';

/**
 * `/change/done`: where a successful change lands (POST → 303 → GET, so a reload sends nothing again). The page
 * asks the anonymous "How easy was this?" (`portal.frictionRating`); its POST redirects back here (`?rated=1`) to a thank-you.
 */
export function registerChangeDone(app: FastifyInstance, ctx: PortalContext): void {
  const render = async (request: FastifyRequest, reply: FastifyReply, rating: RatingView) => {
    const t = portalT(ctx, request);
    return renderPage(ctx, request, reply, 'change-done', { title: t('change_done.title'), rating, form: rating !== null && !('thanks' in rating) });
  };
  app.get('/change/done', async (request, reply) => render(request, reply, await ratingForm(ctx, request, 'change')));
  registerRatingPost(app, ctx, 'change');
}
