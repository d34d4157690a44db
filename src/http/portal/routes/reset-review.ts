import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../core/errors.js';
import { clearFlowCookie, readFlowCookie, setFlowCookie } from '../flow-cookie.js';
import { portalT, renderPage, type PortalContext } from '../page.js';
import { seeOther, STEP_PAGE } from './flow-step.js';

/** How often the page checks again when the person asked it to (`?auto=1`). */
export const REVIEW_REFRESH_SECONDS = 30;

/**
 * `/reset/review`: the proofs are complete, but the risk engine held the reset for a check by an operator. The page
 * says so, with the helpdesk contact, and a "Check again" button (a GET: works without JavaScript). The person may
 * ask it to check by itself (`?auto=1`: a `<meta http-equiv="refresh">` every {@link REVIEW_REFRESH_SECONDS}
 * seconds, with a link that stops it): refreshing on its own only when asked keeps it usable with a screen reader
 * (WCAG 2.2.1). Approved: on to the password (or unlock) step. Rejected: said plainly, the flow cookie goes. The
 * flow cookie is renewed to last the wait and the password step after it.
 */
export function registerResetReview(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/reset/review', async (request, reply) => {
    const flowId = readFlowCookie(request);
    if (!flowId) return seeOther(reply, '/reset');
    const reviews = ctx.deps.reviews;
    if (!reviews) throw new UnlatchError('not_found');
    const status = await reviews.wait(flowId);
    if (status.state === 'gone') {
      // A live flow at another step (this page opened early, or from history): its own page. A dead one: flow_invalid.
      const view = await ctx.deps.resetFlow.view(flowId);
      if (view.next === 'wait_for_review') throw new UnlatchError('flow_invalid');
      return seeOther(reply, STEP_PAGE[view.next]);
    }
    if (status.state === 'approved') return seeOther(reply, STEP_PAGE[status.next]);
    const t = portalT(ctx, request);
    if (status.state === 'rejected') {
      clearFlowCookie(ctx, reply);
      return renderPage(ctx, request, reply, 'reset-review', { title: t('reset_review.rejected.title'), rejected: true });
    }
    const waitSeconds = Math.max(1, Math.ceil((status.expiresAt.getTime() - Date.now()) / 1000));
    setFlowCookie(ctx, reply, flowId, undefined, waitSeconds + ctx.deps.config.reset.passwordStepTtlSeconds);
    const auto = autoOf(request);
    return renderPage(ctx, request, reply, 'reset-review', {
      title: t('reset_review.title'),
      rejected: false,
      auto,
      refreshSeconds: auto ? REVIEW_REFRESH_SECONDS : undefined,
      every: REVIEW_REFRESH_SECONDS,
      hoursLeft: Math.max(1, Math.ceil(waitSeconds / 3600)),
    });
  });
}

/** `?auto=1` given once: the person asked the page to check by itself. */
function autoOf(request: FastifyRequest): boolean {
  return (request.query as Record<string, unknown> | undefined)?.auto === '1';
}

