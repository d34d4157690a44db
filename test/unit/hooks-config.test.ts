import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { hookRoutesOf, subjectOf } from '../../src/config/hooks-schema.js';
import { redactConfig } from '../../src/config/redact-config.js';
import { resolveSecretReferences } from '../../src/config/secret-sources.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const keycloak = { type: 'keycloak', name: 'sso', baseUrl: 'https://sso.example.org/', realm: 'staff', clientId: 'unlatch', clientSecret: 'kc-secret-value' };

describe('hooks configuration', () => {
  it('has none by default, and fills in events, timeout and each preset\'s usual identifier', () => {
    expect(validateConfig({}).hooks).toEqual([]);
    const [hook] = validateConfig({ hooks: [keycloak] }).hooks;
    expect(hook).toMatchObject({ name: 'sso', baseUrl: 'https://sso.example.org', events: ['reset.completed', 'password.changed', 'account.unlocked', 'method.added', 'method.removed'], timeoutMs: 10_000 });
    expect(subjectOf(hook!)).toBe('username');
    expect(subjectOf({ type: 'okta' })).toBe('email');
    expect(subjectOf({ type: 'microsoft-graph' })).toBe('upn');
    expect(subjectOf({ type: 'microsoft-graph', subject: 'id' })).toBe('id');
    const graph = validateConfig({ hooks: [{ type: 'microsoft-graph', name: 'entra', tenant: 'contoso.onmicrosoft.com', clientId: 'app', clientSecret: 's' }] }).hooks[0]!;
    expect(graph).toMatchObject({ authorityUrl: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', scope: 'https://graph.microsoft.com/.default' });
    expect(hookRoutesOf([hook!])).toEqual([{ name: 'sso', preset: 'keycloak', events: hook!.events, tenants: undefined }]);
  });

  it('refuses plain HTTP, unknown events and keys, duplicate names and a stray upnSuffix, naming the key', () => {
    expect(() => validateConfig({ hooks: [{ ...keycloak, baseUrl: 'http://sso.example.org' }] })).toThrow(/hooks\.0\.baseUrl/);
    expect(() => validateConfig({ hooks: [{ ...keycloak, events: ['reset.started'] }] })).toThrow(/hooks\.0\.events/);
    expect(() => validateConfig({ hooks: [{ ...keycloak, verify: false }] })).toThrow(/hooks\.0/);
    expect(() => validateConfig({ hooks: [keycloak, keycloak] })).toThrow(/hook names must be unique/);
    expect(() => validateConfig({ hooks: [{ ...keycloak, upnSuffix: 'corp.example' }] })).toThrow(/hooks\.0\.upnSuffix/);
    expect(() => validateConfig({ hooks: [{ type: 'webhook', name: 'w', url: 'https://h.example.org', keys: [{ id: 'k1', secret: 'short' }] }] })).toThrow(/at least 32/);
    expect(() => validateConfig({ hooks: [{ type: 'oidc-backchannel', name: 'rp', url: 'https://rp.example.org/bc', audience: 'rp', signingKeyPath: '/k.pem', alg: 'HS256' }] })).toThrow(/hooks\.0\.alg/);
  });

  it('refuses a hook naming a tenant that is not configured (it would never fire), naming the key', () => {
    const tenants = [{ id: 'acme', name: 'Acme' }, { id: 'demo', name: 'Demo' }];
    expect(validateConfig({ tenants, hooks: [{ ...keycloak, tenants: ['acme'] }] }).hooks[0]!.tenants).toEqual(['acme']);
    expect(() => validateConfig({ tenants, hooks: [{ ...keycloak, tenants: ['acme', 'acmee'] }] })).toThrow('config: hooks.0.tenants: "acmee" is not one of the tenants');
    // Dev mode without tenants has the demo tenant, which a hook may name.
    expect(validateConfig({ hooks: [{ ...keycloak, tenants: ['demo'] }] }).hooks[0]!.tenants).toEqual(['demo']);
  });

  it('takes secrets from files or the environment, and redacts them on the System page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unlatch-hook-secrets-'));
    try {
      writeFileSync(join(dir, 'okta-token'), 'okta-from-file\n');
      const raw = {
        hooks: [
          { type: 'okta', name: 'okta', orgUrl: 'https://example.okta.com', apiTokenFile: 'okta-token' },
          { type: 'keycloak', name: 'sso', baseUrl: 'https://sso.example.org', realm: 'staff', clientId: 'unlatch', clientSecretEnv: 'KC_SECRET' },
          { type: 'webhook', name: 'w', url: 'https://h.example.org', keys: [{ id: 'k1', secretEnv: 'HOOK_KEY' }] },
        ],
      };
      resolveSecretReferences(raw, dir, { KC_SECRET: 'kc-from-env', HOOK_KEY: 'h'.repeat(40) });
      const hooks = validateConfig(raw).hooks;
      expect(hooks[0]).toMatchObject({ apiToken: 'okta-from-file' });
      expect(hooks[1]).toMatchObject({ clientSecret: 'kc-from-env' });
      expect(hooks[2]).toMatchObject({ keys: [{ id: 'k1', secret: 'h'.repeat(40) }] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const config = validateConfig({ hooks: [{ type: 'okta', name: 'okta', orgUrl: 'https://example.okta.com', apiToken: 'okta-token-value' }, keycloak] });
    const shown = JSON.stringify(redactConfig(config));
    expect(shown).not.toContain('okta-token-value');
    expect(shown).not.toContain('kc-secret-value');
    expect(shown).toContain('https://example.okta.com');
  });
});
