import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { field, formSchema, MAX_IDENTIFIER, MAX_SHORT_FIELD } from '../form.js';
import type { FlowPurpose } from '../../../core/reset/reset-flow-record.js';
import { setFlowCookie } from '../flow-cookie.js';
import { deviceCookie } from '../device-cookie.js';
import { clientOf, languageOf, portalT, renderPage, type FieldError, type PortalContext, tenantOf } from '../page.js';
import { PROOF_OF_WORK_FIELDS, proofOfWorkInput, proofOfWorkOnGet, proofOfWorkRefused, type ProofOfWorkView } from './proof-of-work.js';

/**
 * `/reset` (a new password) and `/unlock` (a locked account, password kept): ask for a username or email and
 * start the flow. Whatever the account, the answer is the same 303 to the code page with the same cookie;
 * core's decoy flow makes the rest alike. Both then share the proof pages under /reset.
 */
export function registerResetStart(app: FastifyInstance, ctx: PortalContext): void {
  for (const purpose of ['reset', 'unlock'] as const) registerStart(app, ctx, purpose);
}

function registerStart(app: FastifyInstance, ctx: PortalContext, purpose: FlowPurpose): void {
  const path = `/${purpose}`;
  app.get(path, async (request, reply) => {
    const tenant = ctx.deps.tenants.defaultTenantId;
    deviceCookie(ctx, request, reply);
    return show(ctx, request, reply, purpose, tenant, '', [], 200, await proofOfWorkOnGet(ctx, request, tenant));
  });

  app.post(path, { schema: formSchema({ identifier: MAX_SHORT_FIELD, tenant: MAX_SHORT_FIELD, ...PROOF_OF_WORK_FIELDS }) }, async (request, reply) => {
    const t = portalT(ctx, request);
    const identifier = field(request, 'identifier').trim();
    const tenant = tenantOf(ctx, request);
    const errors: FieldError[] = [];
    if (identifier === '') errors.push({ field: 'identifier', message: t('reset_start.identifier.required') });
    else if (identifier.length > MAX_IDENTIFIER) errors.push({ field: 'identifier', message: t('reset_start.identifier.too_long', { max: MAX_IDENTIFIER }) });
    if (ctx.tenantChoice && !ctx.deps.tenants.get(tenant)) errors.push({ field: 'tenant', message: t('reset_start.tenant.required') });
    if (errors.length > 0) return show(ctx, request, reply, purpose, tenant, identifier, errors, 422);

    let started;
    try {
      started = await ctx.deps.resetFlow.start({ tenantId: tenant, identifier, client: clientOf(request), purpose, lang: languageOf(ctx, request), proofOfWork: proofOfWorkInput(request), device: deviceCookie(ctx, request, reply) });
    } catch (error) {
      // A proof of work was needed: the same form again, filled in, with a fresh check (or the wait counting on).
      const pow = proofOfWorkRefused(ctx, request, error);
      if (pow) return show(ctx, request, reply, purpose, tenant, identifier, [], 428, pow);
      throw error;
    }
    setFlowCookie(ctx, reply, started.flowId);
    return reply.code(303).header('location', '/reset/code').send();
  });
}

function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  purpose: FlowPurpose,
  tenant: string,
  identifier: string,
  errors: FieldError[],
  status = 200,
  proofOfWork?: ProofOfWorkView,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'reset-start', {
    title: t(purpose === 'unlock' ? 'unlock_start.title' : 'reset_start.title'),
    intro: t(purpose === 'unlock' ? 'unlock_start.intro' : 'reset_start.intro'),
    action: `/${purpose}`,
    form: true,
    errors,
    identifier,
    tenant,
    tenants: ctx.tenantChoice ? ctx.deps.tenants.list() : [],
    proofOfWork,
  }, status);
}
