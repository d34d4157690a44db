import type { FastifyInstance } from 'fastify';
import { rolesOn } from '../../core/admin/operator.js';
import { UnlatchError } from '../../core/errors.js';
import type { AdminArea } from './admin-area.js';
import { tenantParam } from './admin-context.js';

/**
 * The one access rule of an area: the operator (set by the surface's authentication hook) must hold one of
 * the area's roles on the tenant in the path. Unknown tenants answer like forbidden ones: no tenant list leaks.
 */
export function guardArea(scope: FastifyInstance, area: AdminArea): void {
  // onRequest: before the body or query is validated, so a refused role learns nothing from a 400.
  scope.addHook('onRequest', async (request) => {
    const operator = request.operator;
    if (!operator) throw new UnlatchError('admin_session_invalid');
    const roles = rolesOn(operator, tenantParam(request));
    if (!roles.some((role) => area.roles.includes(role))) throw new UnlatchError('forbidden', { area: area.id });
  });
}

/** The areas an operator may enter on a tenant, in navigation order. */
export function areasFor<A extends { roles: readonly string[] }>(areas: readonly A[], roles: readonly string[]): A[] {
  return areas.filter((area) => area.roles.some((role) => roles.includes(role)));
}
