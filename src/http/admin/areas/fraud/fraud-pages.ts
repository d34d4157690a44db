import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UnlatchError } from '../../../../core/errors.js';
import { clientOf } from '../../../portal/page.js';
import { operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { FRAUD_WINDOW_DAYS, fraudFigures, fraudOf, labelOf } from './fraud-view.js';

const str = (max: number) => ({ type: 'string', maxLength: max });
const LIST = 50;

/**
 * `GET …/fraud`: paused accounts (with "end the pause"), recent labels, the M3 and M8 figures. `GET …/fraud/label
 * ?entry=…`: label an audit entry's reset or change; `POST …/fraud/label` and `POST …/fraud/holds/release`.
 * Every handler calls one core step; the role rule (admins) is the area's guard.
 */
export function registerFraudPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => {
    const tenantId = tenantParam(request);
    const fraud = fraudOf(ctx);
    const [holds, labels, figures] = await Promise.all([fraud.fraudStore.holds(tenantId, LIST), fraud.fraudStore.labels(tenantId, LIST), fraudFigures(ctx, tenantId)]);
    const t = adminT(ctx, request);
    return renderAdmin(ctx, request, reply, 'fraud-home', {
      title: t('fraud.title'), holds, labels, figures, days: FRAUD_WINDOW_DAYS, base: `/admin/t/${tenantId}/fraud`,
      trailHref: (subjectId: string) => `/admin/t/${tenantId}/audit?${new URLSearchParams({ subject: subjectId }).toString()}`,
      pct: (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(2)} %`),
    });
  });

  scope.get('/label', { schema: { querystring: { type: 'object', additionalProperties: false, properties: { entry: str(64) } } } }, async (request, reply) => renderLabel(ctx, request, reply));

  scope.post('/label', { schema: { body: { type: 'object', additionalProperties: false, properties: { _csrf: str(512), entry: str(64), label: str(16), release: str(8) } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const body = request.body as { entry?: string; label?: string; release?: string };
    const entry = await ctx.admin.auditQuery.get(tenantId, body.entry ?? '');
    if (!entry) throw new UnlatchError('not_found');
    const label = labelOf(body.label);
    if (!label) return renderLabel(ctx, request, reply, entry.id, [{ field: 'label-fraud', message: adminT(ctx, request)('fraud.label_missing') }]);
    await fraudOf(ctx).reports.label({
      operator: operatorOf(request), client: clientOf(request), tenantId, label, release: body.release === 'yes' && entry.subjectId !== null,
      entry: { id: entry.id, event: entry.event, subjectId: entry.subjectId, flowId: entry.flowId },
    });
    return reply.redirect(`/admin/t/${tenantId}/fraud`, 303);
  });

  scope.post('/holds/release', { schema: { body: { type: 'object', additionalProperties: false, properties: { _csrf: str(512), subject: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['subject'] } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    await fraudOf(ctx).reports.release({ operator: operatorOf(request), client: clientOf(request), tenantId, subjectId: (request.body as { subject: string }).subject });
    return reply.redirect(`/admin/t/${tenantId}/fraud`, 303);
  });
}

/** The label form of one audit entry (404 for an entry not in this tenant's log), with field errors when refused. */
async function renderLabel(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, entryId?: string, errors: Array<{ field: string; message: string }> = []): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const id = entryId ?? (request.query as { entry?: string }).entry ?? '';
  const entry = await ctx.admin.auditQuery.get(tenantId, id);
  if (!entry) throw new UnlatchError('not_found');
  const held = entry.subjectId ? await fraudOf(ctx).fraudStore.isHeld(tenantId, entry.subjectId) : false;
  const t = adminT(ctx, request);
  return renderAdmin(ctx, request, reply, 'fraud-label', { title: t('fraud.label_title'), entry, held, errors, action: `/admin/t/${tenantId}/fraud/label` }, errors.length > 0 ? 400 : 200);
}
