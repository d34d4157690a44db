import type { FastifyInstance, FastifyRequest } from 'fastify';
import { effectivePolicy } from '../../../../core/policy/effective-policy.js';
import { reasonText, type PolicySimulation } from '../../../../core/policy/policy-simulation.js';
import { policyFor } from '../../../../config/policy-schema.js';
import { auditOperator, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';

const simulateQuery = {
  type: 'object', additionalProperties: false,
  properties: { user: { type: 'string', maxLength: 256 }, groups: { type: 'string', maxLength: 4096 }, purpose: { type: 'string', enum: ['reset', 'unlock'] } },
} as const;

/** The effective policy of the tenant (or for groups), and a simulation for a person or groups. */
export async function policyData(ctx: AdminContext, request: FastifyRequest) {
  const tenantId = tenantParam(request);
  const q = request.query as { user?: string; groups?: string; purpose?: 'reset' | 'unlock' };
  const groups = q.groups !== undefined && q.groups.trim() !== '' ? q.groups.split(',').map((g) => g.trim()).filter(Boolean) : undefined;
  const config = ctx.deps.config.policy;
  const effective = effectivePolicy({ tenantId, layers: config, policy: policyFor(config, tenantId), groups });
  let simulation: (PolicySimulation & { account?: unknown }) | null = null;
  if (q.user && q.user.trim() !== '') {
    const person = await ctx.admin.simulator.simulate({ tenantId, identifier: q.user, purpose: q.purpose });
    simulation = person;
    await auditOperator(ctx, request, { event: 'admin.action', outcome: 'success', tenantId, subjectId: person.account?.id ?? null, details: { action: 'policy_simulate', purpose: q.purpose ?? 'reset' } });
  } else if (groups) {
    simulation = ctx.admin.simulator.simulateGroups({ tenantId, groups, purpose: q.purpose });
  }
  return { tenantId, effective, simulation, query: q };
}

export function registerPolicyPages(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', { schema: { querystring: simulateQuery } }, async (request, reply) => {
    const data = await policyData(ctx, request);
    return renderAdmin(ctx, request, reply, 'policy', {
      title: adminT(ctx, request)('policy.title'), ...data, reasons: data.simulation?.reasons.map((r) => reasonText(r)) ?? [],
    });
  });
}

export function registerPolicyApi(scope: FastifyInstance, ctx: AdminContext): void {
  scope.get('/', {
    schema: { tags: ['admin'], security: [{ bearer: [] }], summary: 'The effective policy (with where each value comes from), and a simulation for ?user= or ?groups=', querystring: simulateQuery },
  }, async (request) => policyData(ctx, request));
}
