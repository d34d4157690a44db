import type { FastifyInstance } from 'fastify';
import { reasonText } from '../../../../core/policy/policy-simulation.js';
import { UnlatchError } from '../../../../core/errors.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';
import { personView, searchPeople } from './person-view.js';

const SEARCH_LIMIT = 50;
const querySchema = { querystring: { type: 'object', additionalProperties: false, properties: { q: { type: 'string', maxLength: 256 } } } };
const idSchema = { params: { type: 'object', properties: { tenant: { type: 'string', maxLength: 64 }, id: { type: 'string', minLength: 1, maxLength: 1024 } } } };

/** `GET …/people?q=` (search) and `GET …/people/:id` (a person's page, audited as a sensitive read). */
export function registerPeoplePages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: querySchema }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const q = (request.query as { q?: string }).q ?? '';
    const people = await searchPeople(ctx, tenantId, q, SEARCH_LIMIT);
    return renderAdmin(ctx, request, reply, 'people-search', {
      title: adminT(ctx, request)('people.title'), q, people: people.map((p) => ({ ...p, href: `/admin/t/${tenantId}/people/${encodeURIComponent(p.id)}` })), searched: q.trim() !== '', limit: SEARCH_LIMIT,
    });
  });

  scope.get('/:id', { schema: idSchema }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const { id } = request.params as { id: string };
    const view = await personView(ctx, tenantId, id);
    if (!view) throw new UnlatchError('not_found');
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: view.account.id, details: { what: 'person' } });
    return renderAdmin(ctx, request, reply, 'people-person', {
      title: view.account.displayName ?? view.account.username,
      view,
      reasons: view.policy.reasons.map((r) => reasonText(r)),
      auditHref: `/admin/t/${tenantId}/audit?subject=${encodeURIComponent(view.account.id)}`,
    });
  });
}
