import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import { field, formSchema, MAX_IDENTIFIER, MAX_PASSWORD_FIELD, MAX_SHORT_FIELD } from '../form.js';
import { clientOf, errorsT, portalT, renderPage, type FieldError, type PortalContext, tenantOf } from '../page.js';
import { setSessionCookie, signedInAccount } from '../session-cookie.js';
import { seeOther } from './flow-step.js';
import { pageAfterSignIn } from './enroll.js';

/**
 * `/security-info/sign-in`: username or email and the current password. An unknown account and a
 * wrong password get the same message at the password field (core answers `invalid_credentials`
 * for both, after the same work). When the person has registered a method, it must be proven next.
 */
export function registerSecuritySignIn(app: FastifyInstance, ctx: PortalContext): void {
  app.get('/security-info/sign-in', async (request, reply) => {
    if (await signedInAccount(ctx, request)) return seeOther(reply, pageAfterSignIn(request));
    return showSignIn(ctx, request, reply, { identifier: '', tenant: ctx.deps.tenants.defaultTenantId }, []);
  });

  const schema = formSchema({ identifier: MAX_SHORT_FIELD, tenant: MAX_SHORT_FIELD, password: MAX_PASSWORD_FIELD });
  app.post('/security-info/sign-in', { schema }, async (request, reply) => {
    const t = portalT(ctx, request);
    const identifier = field(request, 'identifier').trim();
    const tenant = tenantOf(ctx, request);
    const password = field(request, 'password');
    const values = { identifier, tenant };

    const errors: FieldError[] = [];
    if (ctx.tenantChoice && !ctx.deps.tenants.get(tenant)) errors.push({ field: 'tenant', message: t('security_sign_in.tenant.required') });
    if (identifier === '') errors.push({ field: 'identifier', message: t('security_sign_in.identifier.required') });
    else if (identifier.length > MAX_IDENTIFIER) errors.push({ field: 'identifier', message: t('security_sign_in.identifier.too_long', { max: MAX_IDENTIFIER }) });
    if (password === '') errors.push({ field: 'password', message: t('security_sign_in.password.required') });
    if (errors.length > 0) return showSignIn(ctx, request, reply, values, errors, 422);

    try {
      const signed = await ctx.deps.signIn.start({ tenantId: tenant, identifier, password, client: clientOf(request) });
      setSessionCookie(ctx, reply, signed.token, signed.next === 'verify_method' ? signed.methods : []);
      return seeOther(reply, signed.next === 'verify_method' ? '/security-info/verify' : pageAfterSignIn(request));
    } catch (error) {
      if (!isUnlatchError(error) || (error.code !== 'invalid_credentials' && error.code !== 'password_change_required')) throw error;
      const message = errorsT(ctx, request)(error.code);
      return showSignIn(ctx, request, reply, values, [{ field: 'password', message }], error.status);
    }
  });
}

/** The sign-in page; also where a session that ended (too many wrong codes) sends people, with a message. */
export function showSignIn(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  values: { identifier: string; tenant: string },
  errors: FieldError[],
  status = 200,
): Promise<FastifyReply> {
  const t = portalT(ctx, request);
  return renderPage(ctx, request, reply, 'security-sign-in', {
    title: t('security_sign_in.title'),
    form: true,
    errors,
    ...values,
    tenants: ctx.tenantChoice ? ctx.deps.tenants.list() : [],
  }, status);
}
