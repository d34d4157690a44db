import type { FastifyInstance } from 'fastify';
import { rolesOn, tenantsOf } from '../../core/admin/operator.js';
import { UnlatchError } from '../../core/errors.js';
import { clientOf } from '../portal/page.js';
import { operatorOf, type AdminContext } from './admin-context.js';
import { clearSessionCookie, readSessionCookie } from './admin-cookies.js';
import { areasFor } from './area-guard.js';

/** `/admin` and `/admin/t/:tenant`: to the first area the operator may enter; and signing out. */
export function registerConsoleHome(scope: FastifyInstance, ctx: AdminContext): void {
  const firstArea = (tenantId: string, roles: string[]) => {
    const area = areasFor(ctx.areas, roles)[0];
    if (!area) throw new UnlatchError('forbidden');
    return `/admin/t/${tenantId}/${area.id}`;
  };
  scope.get('/admin', async (request, reply) => {
    const operator = operatorOf(request);
    const tenantId = tenantsOf(operator, ctx.deps.tenants.list().map((t) => t.id))[0];
    if (!tenantId) throw new UnlatchError('forbidden');
    return reply.redirect(firstArea(tenantId, rolesOn(operator, tenantId)), 303);
  });
  scope.get('/admin/t/:tenant', async (request, reply) => {
    const tenantId = (request.params as { tenant: string }).tenant;
    return reply.redirect(firstArea(tenantId, rolesOn(operatorOf(request), tenantId)), 303);
  });
}

/** `POST /admin/sign-out`: ends the session (audited) and clears the cookie; works for an ended session too. */
export function registerSignOut(app: FastifyInstance, ctx: AdminContext): void {
  app.post('/admin/sign-out', async (request, reply) => {
    const token = readSessionCookie(ctx, request);
    if (token) await ctx.admin.signIn.signOut(token, clientOf(request));
    clearSessionCookie(ctx, reply);
    return reply.redirect('/admin/sign-in', 303);
  });
}
