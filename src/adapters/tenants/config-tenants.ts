import type { Tenant, TenantCatalog } from '../../core/ports/tenants.js';

/** Tenants as the configuration lists them. */
export class ConfigTenants implements TenantCatalog {
  private readonly byId: Map<string, Tenant>;

  constructor(
    tenants: Tenant[],
    readonly defaultTenantId: string,
  ) {
    // Only what a tenant is to people: the configured entries also carry directory settings (service
    // account passwords), which must never reach a page or an API answer that lists tenants.
    this.byId = new Map(tenants.map((t) => [t.id, { id: t.id, name: t.name, ...(t.defaultLanguage ? { defaultLanguage: t.defaultLanguage } : {}), ...(t.timeZone ? { timeZone: t.timeZone } : {}) }]));
  }

  get(id: string): Tenant | null {
    return this.byId.get(id) ?? null;
  }

  list(): Tenant[] {
    return [...this.byId.values()];
  }
}
