import type { FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_FRAUD_TOKEN } from '../../../core/fraud/fraud-settings.js';
import { parseRating } from '../../../core/fraud/friction-ratings.js';
import type { RatedFlow } from '../../../core/ports/fraud.js';
import { field, formSchema } from '../form.js';
import type { PortalContext } from '../page.js';
import { seeOther } from './flow-step.js';

/** What a done page shows of the rating: the form (a fresh token), the thank-you, or nothing (off). */
export type RatingView = { action: string; token: string; tenant: string } | { thanks: true } | null;

const ACTIONS: Record<RatedFlow, string> = { reset: '/reset/done', change: '/change/done' };

/**
 * The rating form of a done page, with a fresh single-use token — or null when `portal.frictionRating` is off
 * or the services are absent. The tenant rides along only when several are configured and one was named.
 */
export async function ratingForm(ctx: PortalContext, request: FastifyRequest, flow: RatedFlow): Promise<RatingView> {
  const ratings = ctx.deps.fraud?.ratings;
  if (!ratings || !ctx.deps.config.portal.frictionRating) return null;
  // Where the answer's redirect lands: the thank-you (anyone may open it; it says nothing).
  if ((request.query as Record<string, unknown> | undefined)?.rated === '1') return { thanks: true };
  const named = (request.query as Record<string, unknown> | undefined)?.tenant;
  const tenant = ctx.tenantChoice && typeof named === 'string' && ctx.deps.tenants.get(named) ? named : '';
  return { action: ACTIONS[flow], token: await ratings.issue(), tenant };
}

/**
 * `POST /reset/done` and `POST /change/done`: one anonymous answer. The page answers with the same thank-you
 * whether it was counted or not (a spent or unknown token, no choice made), so resending tells nothing — reached by a
 * 303 to `?rated=1` (post/redirect/get); core
 * limits submissions per IP. Nothing about the person, their flow, address or cookies is read or kept.
 */
export function registerRatingPost(app: FastifyInstance, ctx: PortalContext, flow: RatedFlow): void {
  app.post(ACTIONS[flow], { schema: formSchema({ token: MAX_FRAUD_TOKEN, rating: 8, tenant: 64 }) }, async (request, reply) => {
    const ratings = ctx.deps.fraud?.ratings;
    if (!ratings || !ctx.deps.config.portal.frictionRating) return seeOther(reply, ACTIONS[flow]);
    const named = field(request, 'tenant');
    const tenantId = named !== '' && ctx.deps.tenants.get(named) ? named : ctx.deps.tenants.defaultTenantId;
    await ratings.submit({ token: field(request, 'token'), ip: request.ip, tenantId, flow, rating: parseRating(field(request, 'rating')) });
    // Post/redirect/get: a reload or Back on the thank-you never asks to send the form again.
    return seeOther(reply, `${ACTIONS[flow]}?rated=1`);
  });
}
