import type { AdminRole, OperatorGrants } from './operator.js';

/** One grant as configured on a tenant (`tenants[].operators`). */
export interface OperatorGrantRule {
  group: string;
  role: AdminRole;
  /** Tenant ids, or `'*'` for all; absent: the tenant that holds the rule. */
  tenants?: readonly string[];
}

/** A tenant's id and its console grants. */
export interface TenantOperators {
  id: string;
  operators: readonly OperatorGrantRule[];
}

/**
 * The console roles of a person of `homeTenantId` who is in `groups`: every grant of that tenant whose group
 * they are in (compared case-insensitively, like directory group names), on the tenants it names. Grants of
 * other tenants never apply: a tenant's config speaks only for its own directory's groups.
 */
export function grantsOf(homeTenantId: string, groups: readonly string[], tenants: readonly TenantOperators[]): OperatorGrants {
  const home = tenants.find((t) => t.id === homeTenantId);
  const member = new Set(groups.map((g) => g.toLowerCase()));
  const grants: OperatorGrants = {};
  for (const rule of home?.operators ?? []) {
    if (!member.has(rule.group.toLowerCase())) continue;
    const targets = rule.tenants ?? [homeTenantId];
    const ids = targets.includes('*') ? tenants.map((t) => t.id) : targets;
    for (const id of ids) {
      const roles = (grants[id] ??= []);
      if (!roles.includes(rule.role)) roles.push(rule.role);
    }
  }
  return grants;
}

/** True when the grants name no role at all. */
export function noGrants(grants: OperatorGrants): boolean {
  return Object.values(grants).every((roles) => roles.length === 0);
}
