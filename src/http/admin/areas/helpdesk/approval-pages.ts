import type { FastifyInstance } from 'fastify';
import { tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { agentOf } from './helpdesk-render.js';
import { helpdeskOf } from './helpdesk-view.js';

const params = { type: 'object', properties: { tenant: { type: 'string', maxLength: 64 }, requestId: { type: 'string', minLength: 1, maxLength: 64 } } };

/**
 * `GET …/helpdesk-approvals`: the tenant's requests waiting for a second operator; `POST …/:requestId/approve`
 * and `…/refuse`. The area is for admins; core refuses an operator's own request (`helpdesk_self_approval`).
 */
export function registerApprovalPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => {
    const tenantId = tenantParam(request);
    const pending = await helpdeskOf(ctx).approvals.pending(tenantId);
    const t = adminT(ctx, request);
    return renderAdmin(ctx, request, reply, 'helpdesk-approvals', {
      title: t('helpdesk.approvals_title'),
      pending: pending.map((r) => ({ ...r, actionText: t(`helpdesk.action.${r.action}`), params: Object.entries(r.params).map(([k, v]) => `${k}: ${v}`).join(', '), base: `/admin/t/${tenantId}/helpdesk-approvals/${encodeURIComponent(r.id)}` })),
    });
  });

  for (const decision of ['approve', 'refuse'] as const) {
    scope.post(`/:requestId/${decision}`, { schema: { params } }, async (request, reply) => {
      const tenantId = tenantParam(request);
      await helpdeskOf(ctx).approvals.decide(agentOf(request), tenantId, (request.params as { requestId: string }).requestId, decision === 'approve');
      return reply.redirect(`/admin/t/${tenantId}/helpdesk-approvals`, 303);
    });
  }
}
