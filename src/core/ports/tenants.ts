/** A tenant: one organisation with its own users, policy and branding. */
export interface Tenant {
  id: string;
  /** Shown to people (page titles, messages). */
  name: string;
}

/** The configured tenants. */
export interface TenantCatalog {
  readonly defaultTenantId: string;
  get(id: string): Tenant | null;
  list(): Tenant[];
}
