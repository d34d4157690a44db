import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUnlatchError } from '../../../core/errors.js';
import { field, formSchema, MAX_PASSWORD_FIELD, MAX_SHORT_FIELD } from '../../portal/form.js';
import { clientOf } from '../../portal/page.js';
import type { AdminContext } from '../admin-context.js';
import { setPendingCookie } from '../admin-cookies.js';
import { adminT, renderAdmin } from '../admin-page.js';

/** `GET/POST /admin/sign-in`: the operator's password (first step), or the organisation's OIDC sign-in. */
export function registerSignInPage(app: FastifyInstance, ctx: AdminContext): void {
  const tenants = () => ctx.deps.tenants.list();
  const page = (request: FastifyRequest, errors: Array<{ field: string; message: string }> = [], values: Record<string, string> = {}) => ({
    title: adminT(ctx, request)('sign_in.title'), errors, tenants: tenants(), values, oidc: ctx.deps.config.admin.oidc ? { label: ctx.deps.config.admin.oidc.label } : null,
  });

  app.get('/admin/sign-in', async (request, reply) => renderAdmin(ctx, request, reply, 'sign-in', page(request)));

  app.post('/admin/sign-in', { schema: formSchema({ tenant: MAX_SHORT_FIELD, username: MAX_SHORT_FIELD, password: MAX_PASSWORD_FIELD }) }, async (request, reply) => {
    const t = adminT(ctx, request);
    const tenantId = tenants().length > 1 ? field(request, 'tenant') : ctx.deps.tenants.defaultTenantId;
    const username = field(request, 'username');
    const password = field(request, 'password');
    if (username.trim() === '' || password === '') {
      return renderAdmin(ctx, request, reply, 'sign-in', page(request, [{ field: username.trim() === '' ? 'username' : 'password', message: t('sign_in.missing') }], { username, tenant: tenantId }), 400);
    }
    try {
      const started = await ctx.admin.signIn.start({ tenantId, identifier: username, password, client: clientOf(request) });
      setPendingCookie(ctx, reply, started.token, started.methods);
      return reply.redirect('/admin/sign-in/verify', 303);
    } catch (error) {
      if (!isUnlatchError(error)) throw error;
      if (error.code === 'invalid_credentials') {
        return renderAdmin(ctx, request, reply, 'sign-in', page(request, [{ field: 'username', message: t('sign_in.invalid') }], { username, tenant: tenantId }), 401);
      }
      if (error.code === 'operator_method_missing') {
        return renderAdmin(ctx, request, reply, 'sign-in-no-method', { title: t('sign_in.no_method.title') }, 403);
      }
      throw error;
    }
  });
}
