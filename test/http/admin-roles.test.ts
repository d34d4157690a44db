import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRole } from '../../src/core/admin/operator.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { AREAS } from '../../src/http/admin/areas/index.js';
import { adminRoutes } from '../../src/http/admin/route-catalog.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor } from './portal-forms.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PASSWORD = 'role table pass phrase';
/** One operator per role on `demo`, and an admin of another tenant, who must see nothing of `demo`. */
const OPERATORS: Array<{ name: string; tenant: string; group: string; role: AdminRole | 'other-tenant' }> = [
  { name: 'ada', tenant: 'demo', group: 'g-admin', role: 'admin' },
  { name: 'hal', tenant: 'demo', group: 'g-helpdesk', role: 'helpdesk' },
  { name: 'aud', tenant: 'demo', group: 'g-auditor', role: 'auditor' },
  { name: 'oli', tenant: 'other', group: 'g-admin', role: 'other-tenant' },
];

/** Every console and admin API route × every role × another tenant's operator: allowed or 403, from one hook per area. */
describe('console roles', () => {
  let t: TestApp;
  const visitors = new Map<string, PortalVisitor>();
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        tenants: [
          { id: 'demo', name: 'Demo', operators: [{ group: 'g-admin', role: 'admin' }, { group: 'g-helpdesk', role: 'helpdesk' }, { group: 'g-auditor', role: 'auditor' }] },
          { id: 'other', name: 'Other', operators: [{ group: 'g-admin', role: 'admin' }] },
        ],
      },
    });
    const admin = t.app.admin!;
    for (const op of OPERATORS) {
      const id = await t.app.users.insert({ tenantId: op.tenant, username: op.name, groups: [op.group], passwordHash: await t.app.hasher.hash(PASSWORD) }, t.clock.now());
      await admin.methods.add({ tenantId: op.tenant, subjectId: id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, t.clock.now());
      // Signed in through the core (the HTTP sign-in has its own tests): the session cookie as the browser holds it.
      t.clock.advance(31);
      const client = { ip: '127.0.0.1', userAgent: 'roles', correlationId: 'roles' };
      const started = await admin.signIn.start({ tenantId: op.tenant, identifier: op.name, password: PASSWORD, client });
      const proven = await admin.signIn.proveTotp({ token: started.token, code: totpAt(SEED, t.clock.now().getTime()), client });
      if (!proven.ok) throw new Error(`sign-in of ${op.name} failed`);
      const visitor = new PortalVisitor(t);
      visitor.cookies.set('unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
      visitors.set(op.name, visitor);
      const role = op.role === 'other-tenant' ? 'admin' : op.role;
      tokens.set(op.name, (await admin.tokens.create({ role, tenants: [op.tenant], ttlSeconds: 3600, name: op.name, createdBy: 'test' })).token);
    }
  });
  afterAll(async () => t.close());

  const expected = (area: string, role: AdminRole | 'other-tenant') => {
    const roles = AREAS.find((a) => a.id === area)!.roles;
    return role !== 'other-tenant' && roles.includes(role) ? 'allowed' : 403;
  };
  const concrete = (url: string) => url.replace(':tenant', 'demo').replace(/:[a-zA-Z]+/g, 'x');

  it('records the routes of every area on both surfaces', () => {
    const routes = adminRoutes(t.app.admin!);
    for (const area of AREAS) {
      expect(routes.some((r) => r.area === area.id && r.url.startsWith('/admin/'))).toBe(area.pages !== undefined);
      expect(routes.some((r) => r.area === area.id && r.url.startsWith('/api/'))).toBe(area.api !== undefined);
    }
  });

  it('lets each role into exactly its areas in the console', async () => {
    const table: string[] = [];
    for (const route of adminRoutes(t.app.admin!).filter((r) => r.area && r.url.startsWith('/admin/'))) {
      for (const op of OPERATORS) {
        const visitor = visitors.get(op.name)!;
        await visitor.get('/admin');
        const res = route.method === 'GET' ? await visitor.get(concrete(route.url)) : await visitor.post(concrete(route.url), {});
        const got = res.statusCode === 403 ? 403 : res.headers.location === '/admin/sign-in' || res.statusCode === 401 ? 'signed-out' : 'allowed';
        table.push(`${route.method} ${route.url} ${op.role}: ${got === expected(route.area!, op.role) ? 'ok' : `expected ${expected(route.area!, op.role)}, got ${got} (${res.statusCode})`}`);
      }
    }
    expect(table.length).toBeGreaterThan(0);
    expect(table.filter((line) => !line.endsWith(': ok'))).toEqual([]);
  });

  it('lets each token into exactly its areas in the admin API', async () => {
    const table: string[] = [];
    for (const route of adminRoutes(t.app.admin!).filter((r) => r.area && r.url.startsWith('/api/'))) {
      for (const op of OPERATORS) {
        const res = await t.server.inject({
          method: route.method as 'GET' | 'POST', url: concrete(route.url), headers: { authorization: `Bearer ${tokens.get(op.name)}`, accept: 'application/json' },
          ...(route.method === 'GET' ? {} : { payload: {} }),
        });
        const got = res.statusCode === 403 ? 403 : res.statusCode === 401 ? 'signed-out' : 'allowed';
        table.push(`${route.method} ${route.url} ${op.role}: ${got === expected(route.area!, op.role) ? 'ok' : `expected ${expected(route.area!, op.role)}, got ${got} (${res.statusCode})`}`);
      }
    }
    expect(table.length).toBeGreaterThan(0);
    expect(table.filter((line) => !line.endsWith(': ok'))).toEqual([]);
  });

  it('refuses the admin API without a token, with a malformed one, and with a revoked one', async () => {
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/admin/me' })).statusCode).toBe(401);
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/admin/me', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    const { record, token } = await t.app.admin!.tokens.create({ role: 'auditor', tenants: ['demo'], ttlSeconds: 3600, name: 'short', createdBy: 'test' });
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/admin/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
    await t.app.admin!.tokens.revoke(record.id, 'test');
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/admin/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
  });
});
