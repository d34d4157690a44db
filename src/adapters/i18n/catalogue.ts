import type { i18n } from 'i18next';
import type { UnlatchConfig } from '../../config/schema.js';
import { ConfigError } from '../../config/config-error.js';
import { loadI18n } from './load-i18n.js';
import { loadTenantOverrides } from './tenant-overrides.js';

/** The loaded texts: the installed catalogue and, per tenant, the one with that tenant's overrides. */
export interface Catalogue {
  i18n: i18n;
  /** The catalogue of a tenant: its overrides merged in, or the installed one. */
  i18nFor: (tenantId: string) => i18n;
}

/**
 * Loads the installed languages and the tenants' overrides (`i18n.overrides`), and checks every
 * `tenants[].defaultLanguage` against the loaded languages: a language nobody installed stops the start.
 */
export function buildCatalogue(config: Pick<UnlatchConfig, 'tenants' | 'i18n'>, localesDir?: string): Catalogue {
  const base = loadI18n(localesDir);
  const loaded = Object.keys(base.store.data);
  for (const [index, tenant] of config.tenants.entries()) {
    if (tenant.defaultLanguage !== undefined && !loaded.includes(tenant.defaultLanguage)) {
      throw new ConfigError(`config: tenants.${index}.defaultLanguage: "${tenant.defaultLanguage}" is not a loaded language (${loaded.join(', ')})`);
    }
  }
  const overrides = config.i18n.overrides ? loadTenantOverrides(base, config.i18n.overrides, config.tenants.map((t) => t.id)) : new Map<string, i18n>();
  return { i18n: base, i18nFor: (tenantId) => overrides.get(tenantId) ?? base };
}
