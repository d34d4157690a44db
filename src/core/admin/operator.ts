/** A console role: `admin` everything, `helpdesk` people and their helpdesk actions, `auditor` read-only figures and trails. */
export type AdminRole = 'admin' | 'helpdesk' | 'auditor';

/** Roles per tenant id: an operator sees only the tenants this names. */
export type OperatorGrants = Record<string, AdminRole[]>;

/** Who is acting in the console or on the admin API. */
export interface Operator {
  /** `session`: a person signed in to the console; `token`: an API bearer token. */
  kind: 'session' | 'token';
  /** The session's or token's own id (never the secret); names the token in audit entries. */
  id: string;
  /** The tenant whose directory holds the person (a token: the first tenant it names). */
  homeTenantId: string;
  /** The person's account id in that directory (a token: null). */
  subjectId: string | null;
  /** Shown in the console and written into audit entries as the actor. */
  username: string;
  displayName: string;
  /** How the person signed in: their password and a strong method, or the organisation's OIDC provider. */
  via: 'password' | 'oidc' | 'token';
  grants: OperatorGrants;
}

/** The operator's roles on one tenant (none: the tenant is not theirs to see). */
export function rolesOn(operator: Operator, tenantId: string): AdminRole[] {
  return Object.hasOwn(operator.grants, tenantId) ? operator.grants[tenantId]! : [];
}

/** The tenants the operator has any role on, in the order given. */
export function tenantsOf(operator: Operator, allTenantIds: readonly string[]): string[] {
  return allTenantIds.filter((id) => rolesOn(operator, id).length > 0);
}

/** The actor written into audit entries: `operator:<tenant>/<username>` or `token:<id>`. */
export function actorOf(operator: Operator): string {
  return operator.kind === 'token' ? `token:${operator.id}` : `operator:${operator.homeTenantId}/${operator.username}`;
}
