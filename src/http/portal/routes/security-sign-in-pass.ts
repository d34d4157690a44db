import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import { field, formSchema, MAX_IDENTIFIER, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, portalT, renderPage, type FieldError, type PortalContext, tenantOf } from '../page.js';
import { setSessionCookie, signedInAccount } from '../session-cookie.js';
import { pageAfterSignIn } from './enroll.js';
import { seeOther } from './flow-step.js';

/** The page that takes a temporary access pass instead of the password. */
export const PASS_SIGN_IN_PAGE = '/security-info/sign-in/pass';

/**
 * `/security-info/sign-in/pass`: username or email and a temporary access pass from the helpdesk, for a person
 * who lost every method (or their password and every method) and must register new ones. A full session
 * follows: the helpdesk verified the caller before issuing the pass. An unknown account and a wrong, spent or
 * expired pass get the same message at the pass field (core answers `invalid_credentials` for all).
 */
export function registerSecuritySignInPass(app: FastifyInstance, ctx: PortalContext): void {
  app.get(PASS_SIGN_IN_PAGE, async (request, reply) => {
    if (await signedInAccount(ctx, request)) return seeOther(reply, pageAfterSignIn(request));
    return show(ctx, request, reply, { identifier: '', tenant: ctx.deps.tenants.defaultTenantId }, []);
  });

  const schema = formSchema({ identifier: MAX_SHORT_FIELD, tenant: MAX_SHORT_FIELD, pass: MAX_SHORT_FIELD });
  app.post(PASS_SIGN_IN_PAGE, { schema }, async (request, reply) => {
    const t = portalT(ctx, request);
    const identifier = field(request, 'identifier').trim();
    const tenant = tenantOf(ctx, request);
    const pass = field(request, 'pass').trim();
    const values = { identifier, tenant };

    const errors: FieldError[] = [];
    if (ctx.tenantChoice && !ctx.deps.tenants.get(tenant)) errors.push({ field: 'tenant', message: t('security_sign_in.tenant.required') });
    if (identifier === '') errors.push({ field: 'identifier', message: t('security_sign_in.identifier.required') });
    else if (identifier.length > MAX_IDENTIFIER) errors.push({ field: 'identifier', message: t('security_sign_in.identifier.too_long', { max: MAX_IDENTIFIER }) });
    if (pass === '') errors.push({ field: 'pass', message: t('security_sign_in_pass.pass.required') });
    if (errors.length > 0) return show(ctx, request, reply, values, errors, 422);

    try {
      const signed = await ctx.deps.signIn.startWithAccessPass({ tenantId: tenant, identifier, pass, client: clientOf(request) });
      setSessionCookie(ctx, reply, signed.token, []);
      return seeOther(reply, pageAfterSignIn(request));
    } catch (error) {
      if (!isUnlatchError(error) || error.code !== 'invalid_credentials') throw error;
      return show(ctx, request, reply, values, [{ field: 'pass', message: t('security_sign_in_pass.pass.wrong') }], error.status);
    }
  });
}

function show(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  values: { identifier: string; tenant: string },
  errors: FieldError[],
  status = 200,
): Promise<FastifyReply> {
  return renderPage(ctx, request, reply, 'security-sign-in-pass', {
    title: portalT(ctx, request)('security_sign_in_pass.title'),
    form: true,
    errors,
    ...values,
    tenants: ctx.tenantChoice ? ctx.deps.tenants.list() : [],
  }, status);
}
