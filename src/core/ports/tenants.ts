/** A tenant: one organisation with its own users, policy and branding. */
export interface Tenant {
  id: string;
  /** Shown to people (page titles, messages). */
  name: string;
  /** The language of pages and messages when neither the person's choice nor their browser names a loaded one (config `tenants[].defaultLanguage`). */
  defaultLanguage?: string;
  /** The IANA zone the tenant's pages show clock times in (config `tenants[].timeZone`); absent: UTC. */
  timeZone?: string;
}

/** The configured tenants. */
export interface TenantCatalog {
  readonly defaultTenantId: string;
  get(id: string): Tenant | null;
  list(): Tenant[];
}
