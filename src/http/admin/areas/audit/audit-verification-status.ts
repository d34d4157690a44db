import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditVerifications } from '../../../../core/admin/audit-verifications.js';
import { UnlatchError } from '../../../../core/errors.js';
import { tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { runJson, verificationStateSchema, verificationView, visibleTenantsOf } from './audit-verification-view.js';

/** The page refreshes itself this often while a run is going (a meta refresh: no JavaScript needed). */
const REFRESH_SECONDS = 2;

/** The verification service, or 404 where the app was built without one. */
export function verificationsOf(ctx: AdminContext): AuditVerifications {
  const service = ctx.admin.auditVerifications;
  if (!service) throw new UnlatchError('not_found');
  return service;
}

/**
 * The verification page (`GET …/audit/verification`): the running run's progress, refreshed every two
 * seconds while it runs, and the last result. Admins and auditors see it; the start button is the
 * admin-only `audit-verification` area's (shown here to admins only; its own guard decides).
 */
export async function renderVerificationPage(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, status = 200, refused = false): Promise<FastifyReply> {
  const tenantId = tenantParam(request);
  const t = adminT(ctx, request);
  const state = await verificationsOf(ctx).state();
  const view = verificationView(ctx, request, state, tenantId, t);
  return renderAdmin(ctx, request, reply, 'audit-verification', {
    title: t('audit_verification.title'),
    ...view,
    refused,
    auditHref: `/admin/t/${tenantId}/audit`,
    refreshSeconds: view.running ? REFRESH_SECONDS : undefined,
  }, status);
}

/** `GET …/audit/verification` in the audit area. */
export function registerVerificationStatusPage(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/verification', async (request, reply) => renderVerificationPage(ctx, request, reply));
}

/** `GET /api/v1/admin/tenants/:tenant/audit/verification` in the audit area: the running run and the last result. */
export function registerVerificationStatusApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/verification', {
    schema: {
      tags: ['admin'], security: [{ bearer: [] }],
      summary: 'The audit log verification: the one running (with progress) and the last finished (when, by whom, result)',
      response: { 200: verificationStateSchema },
    },
  }, async (request) => {
    const state = await verificationsOf(ctx).state();
    const visible = visibleTenantsOf(ctx, request);
    return { running: state.running && runJson(state.running, visible), last: state.last && runJson(state.last, visible) };
  });
}
