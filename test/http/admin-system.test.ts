import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, DEMO_USERS } from '../../src/adapters/store/demo-seed.js';
import { SqlAdminTokenRepository } from '../../src/adapters/store/admin-token-repository.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { AdminTokens } from '../../src/core/admin/admin-tokens.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { RawConfig } from '../../src/config/schema.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, opensslAvailable, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const SMTP_PASSWORD = 'smtp-Pass-d41e8c';
const SMS_TOKEN = 'sms-Token-77aa01';
const SMS_SIGNING = 'sms-Signing-Secret-0123456789abcdef';
const KEY_SECRET = Buffer.from('system-area-test-key-material-32bytes!!').toString('base64');
const GRANTS = [{ group: 'unlatch-admins', role: 'admin' as const }, { group: 'auditors', role: 'auditor' as const }];

/** Signs a demo-tenant person in to the console with the password and the demo authenticator seed. */
async function signIn(t: TestApp, username: string, password: string): Promise<PortalVisitor> {
  const visitor = new PortalVisitor(t);
  t.clock.advance(31);
  await visitor.get('/admin/sign-in');
  const first = await visitor.post('/admin/sign-in', { tenant: 'demo', username, password });
  expect(first.headers.location, first.body.slice(0, 500)).toBe('/admin/sign-in/verify');
  await visitor.get('/admin/sign-in/verify');
  const done = await visitor.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
  expect(done.headers.location).toBe('/admin');
  return visitor;
}

/** An admin API token made the way `unlatch admin token create` makes one. */
async function apiToken(t: TestApp, role: 'admin' | 'auditor', tenants: string[]): Promise<string> {
  const tokens = new AdminTokens({ store: t.app.store, tokens: new SqlAdminTokenRepository(t.app.database.db), clock: t.clock, tenantIds: () => t.config.tenants.map((x) => x.id) });
  return (await tokens.create({ role, tenants, ttlSeconds: 3600, name: `${role} test`, createdBy: 'test' })).token;
}

function secretsIn(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => text.includes(s) || text.includes(encodeURIComponent(s)));
}

describe('console System area', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        secrets: { keys: [{ id: 'k-new', secret: KEY_SECRET }] },
        tenants: [{ id: 'demo', name: 'Demo Company', operators: GRANTS }, { id: 'acme', name: 'Acme Corp' }],
        mail: { transport: 'outbox', smtp: { host: 'smtp.example.internal', user: 'mailer', password: SMTP_PASSWORD } },
        sms: { providers: [{ type: 'webhook', url: 'https://sms.example.internal/send', token: SMS_TOKEN, signingSecret: SMS_SIGNING }] },
      } as RawConfig,
    });
    // Bob is an auditor with an authenticator app: he may sign in, but not enter System.
    const bob = (await t.app.users.findByIdentifier('demo', 'bob'))[0]!;
    await t.app.database.db.updateTable('users').set({ groups: JSON.stringify(['auditors']) }).where('id', '=', bob.id).execute();
    const methods = new SqlMethodRepository(t.app.database.db, new Sealer(t.app.keys, 'totp-seal'));
    await methods.add({ tenantId: 'demo', subjectId: bob.id, kind: 'totp', name: 'Phone', secret: DEMO_OPERATOR.totpSeed, confirmed: true }, t.clock.now());

    // The outbox as a worker would have left it: demo's mail went out, then failed; a text was given up on; acme has a backlog of its own.
    const now = t.clock.now().getTime();
    const row = (key: string, tenant: string, channel: string, status: string, extra: Record<string, unknown> = {}) => ({
      idempotency_key: key, channel, template: channel === 'sms' ? 'sms_code' : 'reset_code', tenant_id: tenant, flow_id: null, subject_id: null, payload: null,
      status, attempts: 0, next_attempt_at: now, claimed_until: null, claimed_by: null, last_error: null, created_at: now - 60_000, sent_at: null, ...extra,
    });
    await t.app.database.db.insertInto('outbox').values([
      row('sys-1', 'demo', 'email', 'sent', { sent_at: now - 30_000 }),
      row('sys-2', 'demo', 'email', 'pending', { last_error: 'connect ECONNREFUSED 10.0.0.25:587', attempts: 2 }),
      row('sys-3', 'demo', 'sms', 'dead', { last_error: 'provider answered 401', attempts: 12 }),
      row('sys-4', 'acme', 'email', 'pending'),
      row('sys-5', 'acme', 'email', 'pending', { last_error: 'acme-only error text' }),
    ]).execute();
  });
  afterAll(async () => t?.close());

  const events = () => t.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'actor', 'tenant_id', 'details']).where('event', 'in', ['admin.viewed', 'admin.action']).orderBy('seq').execute();

  it('shows an admin the directories, channels, key ring, version and configuration, and audits the read', async () => {
    const visitor = await signIn(t, DEMO_OPERATOR.username, DEMO_OPERATOR.password);
    const res = await visitor.get('/admin/t/demo/system');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const text = visibleText(res.body);
    for (const heading of ['Version', 'Directories', 'Message delivery', 'Key ring', 'Configuration in effect']) expect(text).toContain(heading);
    expect(text).toContain("builtin (built-in, Unlatch's own database)");
    expect(text).toContain('Not checked yet');
    expect(text).toContain('connect ECONNREFUSED 10.0.0.25:587');
    expect(text).toContain('provider answered 401');
    expect(text).not.toContain('acme-only error text');
    expect(text).toContain('k-new');
    expect(text).toMatch(/Newest/);
    expect(res.body).toContain('<input type="hidden" name="_csrf"');
    expect(res.body).toMatch(/<caption>/);
    expect(res.body).toMatch(/<th scope="col">/);
    expectLabelledControls(res.body);
    // Only this tenant's settings.
    expect(res.body).toContain('Demo Company');
    expect(res.body).not.toContain('Acme Corp');
    const viewed = (await events()).filter((e) => e.event === 'admin.viewed' && JSON.parse(e.details).what === 'system');
    expect(viewed.at(-1)).toMatchObject({ outcome: 'success', actor: 'operator:demo/opal', tenant_id: 'demo' });
  });

  it('runs the directory check on demand: ✓ for the built-in store, and the action is audited', async () => {
    const visitor = await signIn(t, DEMO_OPERATOR.username, DEMO_OPERATOR.password);
    await visitor.get('/admin/t/demo/system');
    const res = await visitor.post('/admin/t/demo/system/directory-check', { user: 'alice' });
    expect(res.statusCode, res.body).toBe(200);
    const text = visibleText(res.body);
    expect(text).toContain('The directories were checked just now');
    expect(text).toMatch(/✓ OK database Unlatch's SQLite database answers/);
    expect(text).toMatch(/✓ OK people \d+ in tenant demo/);
    expect(text).toMatch(/✓ OK find alice found/);
    expect(text).not.toContain('✗');
    const action = (await events()).filter((e) => e.event === 'admin.action').at(-1)!;
    expect(action).toMatchObject({ outcome: 'success', actor: 'operator:demo/opal', tenant_id: 'demo' });
    expect(JSON.parse(action.details)).toMatchObject({ action: 'directory_check', testUser: 'alice', failed: [] });

    const unknown = await visitor.post('/admin/t/demo/system/directory-check', { user: 'nobody-here' });
    expect(visibleText(unknown.body)).toMatch(/✗ Missing find nobody-here no such user/);
    expect((await events()).filter((e) => e.event === 'admin.action').at(-1)!.outcome).toBe('failure');
  });

  it('refuses the check without the CSRF token, and repeated fields', async () => {
    const visitor = await signIn(t, DEMO_OPERATOR.username, DEMO_OPERATOR.password);
    await visitor.get('/admin/t/demo/system');
    const actions = async () => (await events()).filter((e) => e.event === 'admin.action').length;
    const before = await actions();
    expect((await visitor.post('/admin/t/demo/system/directory-check', { _csrf: 'forged', user: '' })).statusCode).toBe(403);
    await visitor.get('/admin/t/demo/system');
    const twice = await visitor.post('/admin/t/demo/system/directory-check', { user: ['a', 'b'] });
    expect(twice.statusCode).toBe(400);
    expect(await actions()).toBe(before);
  });

  it('answers an auditor 403 on the page, the check and the API', async () => {
    const visitor = await signIn(t, 'bob', DEMO_USERS[1].password);
    const page = await visitor.get('/admin/t/demo/system');
    expect(page.statusCode).toBe(403);
    expect(page.body).not.toContain('Configuration in effect');
    expect((await visitor.post('/admin/t/demo/system/directory-check', { user: '' })).statusCode).toBe(403);
    const token = await apiToken(t, 'auditor', ['demo']);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/system', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
  });

  it('serves the same data as JSON, with no secret in it or in the page', async () => {
    const token = await apiToken(t, 'admin', ['demo']);
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/system', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.directories).toEqual([{ name: 'builtin', type: 'builtin', description: "builtin (built-in, Unlatch's own database)" }]);
    expect(body.channels).toEqual(expect.arrayContaining([
      { channel: 'email', pending: 1, dead: 0, lastSentAt: expect.any(String), lastError: { message: 'connect ECONNREFUSED 10.0.0.25:587', queuedAt: expect.any(String) } },
      { channel: 'sms', pending: 0, dead: 1, lastSentAt: null, lastError: { message: 'provider answered 401', queuedAt: expect.any(String) } },
    ]));
    expect(body.keys[0]).toMatchObject({ id: 'k-new', newest: true, inRing: true });
    expect(body.config.mail.smtp).toMatchObject({ host: 'smtp.example.internal', password: '[redacted]' });
    expect(body.config.tenants.map((x: { id: string }) => x.id)).toEqual(['demo']);

    const secrets = [SMTP_PASSWORD, SMS_TOKEN, SMS_SIGNING, KEY_SECRET];
    expect(secretsIn(res.body, secrets)).toEqual([]);
    const visitor = await signIn(t, DEMO_OPERATOR.username, DEMO_OPERATOR.password);
    const page = await visitor.get('/admin/t/demo/system');
    expect(secretsIn(page.body, secrets)).toEqual([]);
    // The secrets are configured (else the test proves nothing).
    expect(secretsIn(JSON.stringify(t.config), secrets).sort()).toEqual([...secrets].sort());

    const check = await t.server.inject({ method: 'POST', url: '/api/v1/admin/tenants/demo/system/directory-check', headers: { authorization: `Bearer ${token}` }, payload: { user: 'alice' } });
    expect(check.statusCode, check.body).toBe(200);
    expect(check.json().directories[0].items.every((i: { status: string }) => i.status === 'ok')).toBe(true);
  });

  it('lists the routes in the OpenAPI document', async () => {
    const doc = (await t.server.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const paths = Object.keys(doc.paths ?? {});
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/admin/tenants/{tenant}/system/', '/api/v1/admin/tenants/{tenant}/system/directory-check']));
  });
});

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable() && opensslAvailable()))('console System area with an LDAP directory', () => {
  let slapd: Slapd;
  let t: TestApp;
  beforeAll(async () => {
    slapd = await startSlapd();
    t = await startTestApp({
      overrides: {
        tenants: [{
          id: 'demo', name: 'Demo Company', operators: GRANTS,
          directories: [{ type: 'builtin' }, { type: 'ldap', url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN }],
        }],
      } as RawConfig,
    });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  it('checks the LDAP directory too, and the bind password appears nowhere', async () => {
    const visitor = await signIn(t, DEMO_OPERATOR.username, DEMO_OPERATOR.password);
    const page = await visitor.get('/admin/t/demo/system');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('bindPassword: &quot;[redacted]&quot;');
    const checked = await visitor.post('/admin/t/demo/system/directory-check', { user: '' });
    const text = visibleText(checked.body);
    expect(text).toContain(`✓ OK bind as ${slapd.service.dn}`);
    expect(text).toContain(`✓ OK search under ${BASE_DN}`);
    const token = await apiToken(t, 'admin', ['demo']);
    const json = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/system', headers: { authorization: `Bearer ${token}` } });
    expect(json.json().config.tenants[0].directories[1].bindPassword).toBe('[redacted]');
    for (const body of [page.body, checked.body, json.body]) expect(secretsIn(body, [slapd.service.password])).toEqual([]);
  });
});
