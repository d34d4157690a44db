import { afterAll, beforeAll } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { BASE_DN, startSlapd, type Slapd } from './slapd.js';
import { startTestApp, type TestApp } from './test-app.js';

/** A tenant directory entry for the slapd harness (plain LDAP on loopback, the harness's service account). */
export function ldapDirectory(slapd: Slapd, extra: Record<string, unknown> = {}) {
  return { type: 'ldap' as const, url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, ...extra };
}

/**
 * A real slapd and the app with the demo tenant served by it, for one describe block; both are stopped after.
 * `directory` adds options to the tenant's LDAP directory; `overrides` adds other configuration.
 */
export function useLdapApp(options: { directory?: Record<string, unknown>; overrides?: RawConfig } = {}): { readonly slapd: Slapd; readonly t: TestApp } {
  const state: { slapd?: Slapd; t?: TestApp } = {};
  beforeAll(async () => {
    state.slapd = await startSlapd();
    state.t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', directories: [ldapDirectory(state.slapd, options.directory)] }],
        defaultTenant: 'demo',
        ...options.overrides,
      },
    });
  });
  afterAll(async () => {
    await state.t?.close();
    await state.slapd?.stop();
  });
  return {
    get slapd() {
      return state.slapd!;
    },
    get t() {
      return state.t!;
    },
  };
}
