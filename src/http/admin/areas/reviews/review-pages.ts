import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../../core/errors.js';
import { MAX_REVIEW_NOTE, type ReviewRefusal } from '../../../../core/risk/review-decisions.js';
import { clientOf } from '../../../portal/page.js';
import { operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { heldRows, reviewsOf, rowOf } from './review-view.js';

const LIST = 100;
const params = { type: 'object', properties: { tenant: { type: 'string', maxLength: 64 }, flowId: { type: 'string', minLength: 1, maxLength: 64 } } };
// A longer note than the form allows is cut by core; far longer is refused as a malformed request.
const body = { type: 'object', additionalProperties: false, properties: { _csrf: { type: 'string', maxLength: 512 }, note: { type: 'string', maxLength: MAX_REVIEW_NOTE * 4 }, decision: { type: 'string', maxLength: 16 } } };

/**
 * `GET …/reviews`: the tenant's resets held for review, oldest first. `GET …/reviews/:flowId`: one of them with
 * its reasons and the decision form; `POST …/reviews/:flowId`: approve or reject it, with a required note. The role
 * rule (admins and the helpdesk) is the area's guard; core refuses the operator's own account and audits.
 */
export function registerReviewPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => {
    const tenantId = tenantParam(request);
    const t = adminT(ctx, request);
    const rows = await heldRows(ctx, t, tenantId, await reviewsOf(ctx).decisions.pending(tenantId, LIST));
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    const notice = done === 'approved' || done === 'rejected' ? t(done === 'approved' ? 'reviews.done_approved' : 'reviews.done_rejected') : null;
    return renderAdmin(ctx, request, reply, 'review-queue', { title: t('reviews.title'), rows, notice });
  });

  scope.get('/:flowId', { schema: { params } }, async (request, reply) => renderDecision(ctx, request, reply, []));

  scope.post('/:flowId', { schema: { params, body } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { note, decision } = request.body as { note?: string; decision?: string };
    const t = adminT(ctx, request);
    const verdict = decision === 'approve' || decision === 'reject' ? decision : null;
    if (!verdict) return renderDecision(ctx, request, reply, [{ field: 'decision-approve', message: t('reviews.decision_missing') }], 400, note);
    const result = await reviewsOf(ctx).decisions.decide({
      operator: operatorOf(request), client: clientOf(request), tenantId, flowId: flowIdOf(request), verdict, note: note ?? '',
    });
    if (result.ok) return reply.redirect(`/admin/t/${tenantId}/reviews?done=${verdict === 'approve' ? 'approved' : 'rejected'}`, 303);
    return refused(ctx, request, reply, result.reason, note);
  });
}

function flowIdOf(request: FastifyRequest): string {
  return (request.params as { flowId: string }).flowId;
}

/** A refused decision: the form again with the reason (a missing note, one's own account), or 404 for a flow gone. */
function refused(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, reason: ReviewRefusal, note: string | undefined): Promise<FastifyReply> {
  const t = adminT(ctx, request);
  if (reason === 'gone') throw new UnlatchError('not_found');
  if (reason === 'note_missing') return renderDecision(ctx, request, reply, [{ field: 'note', message: t('reviews.note_missing') }], 400, note);
  return renderDecision(ctx, request, reply, [{ field: 'note', message: t('reviews.own_account') }], 403, note);
}

/** One held flow with the decision form; 404 when it is not (or no longer) waiting in this tenant. */
async function renderDecision(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, errors: Array<{ field: string; message: string }>, status = 200, note = ''): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const flow = await reviewsOf(ctx).decisions.held(tenantId, flowIdOf(request));
  if (!flow) throw new UnlatchError('not_found');
  const t = adminT(ctx, request);
  const held = (await reviewsOf(ctx).decisions.pending(tenantId, LIST)).find((h) => h.flow.id === flow.id);
  const row = await rowOf(ctx, t, tenantId, flow, held?.ip ?? null, held?.heldAt ?? flow.updatedAt, ctx.admin.clock.now().getTime());
  return renderAdmin(ctx, request, reply, 'review-decide', {
    title: t('reviews.decide_title', { person: row.person }),
    row, errors, note, maxNote: MAX_REVIEW_NOTE,
    action: row.href, back: `/admin/t/${tenantId}/reviews`,
    peopleHref: row.subjectId ? `/admin/t/${tenantId}/people/${encodeURIComponent(row.subjectId)}` : null,
  }, status);
}
