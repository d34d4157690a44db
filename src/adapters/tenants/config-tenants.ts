import type { Tenant, TenantCatalog } from '../../core/ports/tenants.js';

/** Tenants as the configuration lists them. */
export class ConfigTenants implements TenantCatalog {
  private readonly byId: Map<string, Tenant>;

  constructor(
    tenants: Tenant[],
    readonly defaultTenantId: string,
  ) {
    this.byId = new Map(tenants.map((t) => [t.id, t]));
  }

  get(id: string): Tenant | null {
    return this.byId.get(id) ?? null;
  }

  list(): Tenant[] {
    return [...this.byId.values()];
  }
}
