import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../../../../core/admin/operator.js';
import type { AuditVerificationRun } from '../../../../core/ports/audit-verifications.js';
import { operatorEntry } from '../../../../core/audit/operator-entry.js';
import { isUnlatchError } from '../../../../core/errors.js';
import { clientOf } from '../../../portal/page.js';
import { auditOperator, operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { renderVerificationPage, verificationsOf } from '../audit/audit-verification-status.js';
import { runJson, verificationRunSchema, visibleTenantsOf } from '../audit/audit-verification-view.js';

/**
 * Starts a verification in the background, audited as `admin.action` now and as `admin.audit_verified`
 * (naming the same operator) when it ends. Throws `audit_verification_running` while one runs anywhere.
 */
async function startVerification(ctx: AdminContext, request: FastifyRequest): Promise<AuditVerificationRun> {
  const tenantId = tenantParam(request);
  const operator = operatorOf(request);
  const client = clientOf(request);
  const store = ctx.admin.store;
  return verificationsOf(ctx).start(actorOf(operator), {
    onStarted: (run) => auditOperator(ctx, request, { event: 'admin.action', outcome: 'success', tenantId, details: { action: 'audit_verify_started', runId: run.id } }),
    onFinished: async (ended) => {
      const fields = {
        event: 'admin.audit_verified' as const,
        outcome: ended.status === 'ok' ? ('success' as const) : ('failure' as const),
        tenantId,
        details: { runId: ended.id, result: ended.status, entries: ended.entriesChecked, chains: ended.chains, firstProblem: ended.firstProblem },
      };
      await store.transaction((tx) => tx.audit.append(operatorEntry(operator, client, fields)));
    },
  });
}

/**
 * `POST …/audit-verification`: starts one, then to the progress page (303); while another runs, that page
 * at 409 saying so. `GET …/audit-verification` (the navigation's link): to the progress page.
 */
export function registerVerificationStartPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', async (request, reply) => reply.redirect(`/admin/t/${tenantParam(request)}/audit/verification`, 303));
  scope.post('/', async (request, reply) => {
    try {
      await startVerification(ctx, request);
    } catch (error) {
      if (isUnlatchError(error) && error.code === 'audit_verification_running') return renderVerificationPage(ctx, request, reply, 409, true);
      throw error;
    }
    return reply.redirect(`/admin/t/${tenantParam(request)}/audit/verification`, 303);
  });
}

/** `POST /api/v1/admin/tenants/:tenant/audit-verification`: 202 with the running record; 409 while one runs. */
export function registerVerificationStartApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.post('/', {
    schema: {
      tags: ['admin'], security: [{ bearer: [] }],
      summary: 'Start verifying the audit log in the background (poll GET …/audit/verification for progress); 409 while one runs',
      response: { 202: verificationRunSchema },
    },
  }, async (request, reply) => {
    const run = await startVerification(ctx, request);
    return reply.code(202).send(runJson(run, visibleTenantsOf(ctx, request)));
  });
}
