import type { FastifyInstance } from 'fastify';
import { UnlatchError } from '../../../../core/errors.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { personView, searchPeople } from './person-view.js';

const account = {
  type: 'object',
  properties: {
    id: { type: 'string' }, username: { type: 'string' }, email: { type: 'string' }, displayName: { type: 'string' },
    groups: { type: 'array', items: { type: 'string' } }, enabled: { type: 'boolean' }, locked: { type: 'boolean' },
  },
} as const;
const secured = { tags: ['admin'], security: [{ bearer: [] }] };

/** `GET /api/v1/admin/tenants/:tenant/people?q=` and `…/people/:id`: the console's people as JSON. */
export function registerPeopleApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', {
    schema: {
      ...secured, summary: 'Search people by username, email or display name',
      querystring: { type: 'object', additionalProperties: false, required: ['q'], properties: { q: { type: 'string', minLength: 1, maxLength: 256 }, limit: { type: 'integer', minimum: 1, maximum: 200 } } },
      response: { 200: { type: 'object', properties: { people: { type: 'array', items: account } } } },
    },
  }, async (request) => {
    const { q, limit } = request.query as { q: string; limit?: number };
    return { people: await searchPeople(ctx, tenantParam(request), q, limit ?? 50) };
  });

  scope.get('/:id', {
    schema: { ...secured, summary: "A person: account, password dates, policy decision, methods (labels and dates), recent flows, newest audit entries" },
  }, async (request) => {
    const tenantId = tenantParam(request);
    const view = await personView(ctx, tenantId, (request.params as { id: string }).id);
    if (!view) throw new UnlatchError('not_found');
    await auditOperator(ctx, request, { event: 'admin.viewed', outcome: 'success', tenantId, subjectId: view.account.id, details: { what: 'person' } });
    return view;
  });
}
