import type { FastifyInstance } from 'fastify';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { configYaml, systemSource, systemView, type SystemView } from './system-view.js';

const checkSchema = {
  body: {
    type: 'object',
    required: ['_csrf'],
    additionalProperties: false,
    properties: { _csrf: { type: 'string' }, user: { type: 'string', maxLength: 256 } },
  },
};

/**
 * `GET …/system` (health, keys, version, redacted configuration; a sensitive read, audited) and
 * `POST …/system/directory-check` (runs `directory check` on every directory of the tenant now; audited).
 */
export function registerSystemPages(scope: FastifyInstance, ctx: AdminContext): void {
  const render = (request: Parameters<typeof renderAdmin>[1], reply: Parameters<typeof renderAdmin>[2], view: SystemView, extra: Record<string, unknown> = {}) =>
    renderAdmin(ctx, request, reply, 'system-page', {
      title: adminT(ctx, request)('system.title'),
      view,
      yaml: configYaml(view),
      checkAction: `/admin/t/${tenantParam(request)}/system/directory-check`,
      checked: false,
      user: '',
      ...extra,
    });

  scope.get('/', async (request, reply) => {
    const tenantId = tenantParam(request);
    const view = await systemView(ctx, tenantId);
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, details: { what: 'system' } });
    return render(request, reply, view);
  });

  scope.post('/directory-check', { schema: checkSchema }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const given = (request.body as { user?: string }).user?.trim() ?? '';
    const user = given === '' ? undefined : given;
    const checked = await systemSource(ctx).checkDirectories(tenantId, user);
    const failed = checked.filter((d) => d.items?.some((i) => i.status === 'missing')).map((d) => d.name);
    await auditOperator(ctx, request, {
      event: 'admin.action', outcome: failed.length === 0 ? 'success' : 'failure', tenantId,
      details: { action: 'directory_check', testUser: user ?? null, failed },
    });
    return render(request, reply, await systemView(ctx, tenantId, checked), { checked: true, user: given });
  });
}
