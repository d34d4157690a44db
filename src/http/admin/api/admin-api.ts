import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { tenantsOf } from '../../../core/admin/operator.js';
import { UnlatchError } from '../../../core/errors.js';
import type { AdminContext } from '../admin-context.js';
import { guardArea } from '../area-guard.js';
import { AREAS } from '../areas/index.js';
import { recordRoutes } from '../route-catalog.js';
import { documentAdminRoute } from './admin-route-docs.js';

/**
 * The admin API under `/api/v1/admin`: the same data as the console, as JSON, for a SIEM or a script. Callers
 * authenticate with a bearer token (`unlatch admin token create`); the hook resolves it once for the whole
 * surface, and each area's scope checks its roles on the tenant in the path, exactly as in the console.
 */
export const adminApiPlugin: FastifyPluginAsync<{ ctx: AdminContext }> = async (app, { ctx }) => {
  if (!app.hasRequestDecorator('operator')) app.decorateRequest('operator', null);
  app.addHook('onRoute', documentAdminRoute);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/i.exec(header) : null;
    if (!match) throw new UnlatchError('admin_session_invalid');
    request.operator = await ctx.admin.tokens.resolve(match[1]!);
  });

  app.get('/me', {
    schema: {
      tags: ['admin'], summary: 'The token: its name, role and tenants', security: [{ bearer: [] }],
      response: { 200: { type: 'object', properties: { name: { type: 'string' }, tenants: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } } } } } } } },
    },
  }, async (request) => {
    const operator = request.operator!;
    return { name: operator.displayName, tenants: tenantsOf(operator, ctx.deps.tenants.list().map((t) => t.id)).map((id) => ({ id, roles: operator.grants[id] })) };
  });

  for (const area of AREAS) {
    if (!area.api) continue;
    const api = area.api;
    await app.register(async (scope: FastifyInstance) => {
      recordRoutes(scope, ctx.admin, area.id);
      guardArea(scope, area);
      api(scope, ctx);
    }, { prefix: `/tenants/:tenant/${area.id}` });
  }
};
