import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

/**
 * A tenant whose directory is down (an LDAP address nobody listens on): the console's pages, the admin API, the
 * portal's pages and the public API answer 503 with Retry-After, as every dependency outage must, never a 500.
 */
describe('console, admin API, portal and API during a directory outage', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  let token: string;
  beforeAll(async () => {
    const nobody = `ldap://127.0.0.1:${await freePort()}`;
    t = await startTestApp({
      overrides: {
        tenants: [
          { id: 'demo', name: 'Demo Company', operators: [{ group: DEMO_OPERATOR.group, role: 'admin', tenants: ['demo', 'down'] }] },
          {
            id: 'down', name: 'Down Inc',
            directories: [{ type: 'ldap', url: nobody, insecure: true, bindDn: 'cn=svc,dc=down', bindPassword: 'unused', baseDn: 'dc=down', connectTimeoutMs: 2000 }],
          },
        ],
        defaultTenant: 'demo',
      },
    });
    // With two tenants the sign-in form asks for the operator's own.
    operator = new PortalVisitor(t);
    t.clock.advance(31);
    await operator.get('/admin/sign-in');
    await operator.post('/admin/sign-in', { tenant: 'demo', username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    await operator.get('/admin/sign-in/verify');
    const done = await operator.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
    expect(done.headers.location).toBe('/admin');
    token = (await t.app.admin!.tokens.create({ role: 'admin', tenants: ['down'], ttlSeconds: 3600, name: 'outage', createdBy: 'test' })).token;
  });
  afterAll(async () => t?.close());

  it('a console page answers 503 with Retry-After and a readable message', async () => {
    const page = await operator.get('/admin/t/down/people?q=someone');
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(page.body)).toContain('directory');
    // The tenant whose directory is up is unaffected.
    expect((await operator.get('/admin/t/demo/people?q=alice')).statusCode).toBe(200);
  });

  it('the admin API answers 503 problem JSON with Retry-After', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/down/people?q=someone', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 503, code: 'directory_unavailable', retryAfterSeconds: 30 });
  });

  it("the portal's page answers it the same way, saying when to try again", async () => {
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset');
    const page = await visitor.post('/reset', { tenant: 'down', identifier: 'bob' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(visibleText(page.body)).toContain('30 seconds');
  });

  it('the public API answers the same outage the same way (one problem mapping)', async () => {
    const res = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { tenant: 'down', identifier: 'bob' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toMatchObject({ code: 'directory_unavailable', retryAfterSeconds: 30 });
  });
});
