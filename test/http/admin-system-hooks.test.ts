import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { SqlAdminTokenRepository } from '../../src/adapters/store/admin-token-repository.js';
import { AdminTokens } from '../../src/core/admin/admin-tokens.js';
import { hookKey } from '../../src/core/hooks/hook-events.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { RawConfig } from '../../src/config/schema.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const KEYCLOAK_SECRET = 'kc-Secret-51c0ffee';
const OKTA_TOKEN = 'okta-Token-9b8a7c';
const GRANTS = [{ group: 'unlatch-admins', role: 'admin' as const }];

async function signIn(t: TestApp): Promise<PortalVisitor> {
  const visitor = new PortalVisitor(t);
  t.clock.advance(31);
  await visitor.get('/admin/sign-in');
  await visitor.post('/admin/sign-in', { tenant: 'demo', username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
  await visitor.get('/admin/sign-in/verify');
  const done = await visitor.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
  expect(done.headers.location).toBe('/admin');
  return visitor;
}

describe('console System area: post-reset hooks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', operators: GRANTS }, { id: 'acme', name: 'Acme Corp' }],
        hooks: [
          { type: 'keycloak', name: 'staff-sso', baseUrl: 'https://sso.example.internal', realm: 'staff', clientId: 'unlatch', clientSecret: KEYCLOAK_SECRET, events: ['reset.completed'] },
          { type: 'okta', name: 'okta', orgUrl: 'https://example.okta.com', apiToken: OKTA_TOKEN },
          { type: 'okta', name: 'acme-okta', orgUrl: 'https://acme.okta.com', apiToken: OKTA_TOKEN, tenants: ['acme'] },
        ],
      } as RawConfig,
    });
    // The outbox as the worker would have left it: one success and one given up for staff-sso, one retrying for okta.
    const now = t.clock.now().getTime();
    const row = (key: string, tenant: string, status: string, extra: Record<string, unknown> = {}) => ({
      idempotency_key: key, channel: 'hook', template: 'hook_event', tenant_id: tenant, flow_id: null, subject_id: 'u1', payload: null,
      status, attempts: 0, next_attempt_at: now, claimed_until: null, claimed_by: null, last_error: null, created_at: now - 60_000, sent_at: null, ...extra,
    });
    await t.app.database.db.insertInto('outbox').values([
      row(hookKey('staff-sso', 1), 'demo', 'sent', { sent_at: now - 30_000 }),
      row(hookKey('staff-sso', 2), 'demo', 'dead', { last_error: 'http_403', attempts: 8 }),
      row(hookKey('okta', 3), 'demo', 'pending', { last_error: 'timeout', attempts: 2 }),
      row(hookKey('okta', 4), 'demo', 'pending'),
      row(hookKey('acme-okta', 5), 'acme', 'dead', { last_error: 'acme-only hook error' }),
    ]).execute();
  });
  afterAll(async () => t?.close());

  it('lists each hook of the tenant with its deliveries: waiting, failing, given up, last success, last error', async () => {
    const visitor = await signIn(t);
    const res = await visitor.get('/admin/t/demo/system');
    expect(res.statusCode, res.body).toBe(200);
    const text = visibleText(res.body);
    expect(text).toContain('Post-reset hooks');
    expect(res.body).toContain('<caption>Delivery per post-reset hook for this tenant</caption>');
    expect(text).toMatch(/staff-sso keycloak reset\.completed 0 0 1 \d{4}-\d\d-\d\dT[\d:.]+Z http_403/);
    expect(text).toMatch(/okta okta reset\.completed, password\.changed, account\.unlocked, method\.added, method\.removed 2 1 0 Never \(within the retention period\) timeout/);
    // Another tenant's hook and its errors are not shown; secrets never are.
    expect(text).not.toContain('acme-okta');
    expect(text).not.toContain('acme-only hook error');
    expect(res.body).not.toContain(KEYCLOAK_SECRET);
    expect(res.body).not.toContain(OKTA_TOKEN);
    expectLabelledControls(res.body);
  });

  it('gives the same figures in the admin API', async () => {
    const tokens = new AdminTokens({ store: t.app.store, tokens: new SqlAdminTokenRepository(t.app.database.db), clock: t.clock, tenantIds: () => t.config.tenants.map((x) => x.id) });
    const { token } = await tokens.create({ role: 'admin', tenants: ['demo'], ttlSeconds: 3600, name: 'hooks test', createdBy: 'test' });
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/system', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const { hooks } = res.json() as { hooks: Array<Record<string, unknown>> };
    expect(hooks.map((h) => h.name)).toEqual(['staff-sso', 'okta']);
    expect(hooks[0]).toMatchObject({ preset: 'keycloak', pending: 0, retrying: 0, dead: 1, lastError: { message: 'http_403' } });
    expect(hooks[1]).toMatchObject({ preset: 'okta', pending: 2, retrying: 1, dead: 0, lastSuccessAt: null });
    expect(res.body).not.toContain(KEYCLOAK_SECRET);
  });
});
