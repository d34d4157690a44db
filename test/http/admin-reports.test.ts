import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PASSWORD = 'report pass phrase words';

/**
 * The Reports area on the built-in store with known seeded people, methods and audit entries: each report's
 * rows and figures, the CSV export (streamed, audited), the JSON API, and the role check (helpdesk: 403).
 */
describe('console reports on the built-in store', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  let helpdesk: PortalVisitor;
  const ids: Record<string, string> = {};

  const append = (entries: AuditEntryInput[]) => t.app.store.transaction(async (tx) => {
    for (const entry of entries) await tx.audit.append(entry);
  });
  const entry = (event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], fields: Partial<AuditEntryInput> = {}): AuditEntryInput => ({ event, outcome, tenantId: 'demo', actor: 'self', ...fields });

  beforeAll(async () => {
    t = await startTestApp({
      overrides: { tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'unlatch-admins', role: 'admin' }, { group: 'g-helpdesk', role: 'helpdesk' }] }] },
    });
    const now = t.clock.now();
    const hash = await t.app.hasher.hash(PASSWORD);
    // Demo people alice, bob, carol (no methods) and opal (the operator: a TOTP method); plus these.
    ids.dave = await t.app.users.insert({ tenantId: 'demo', username: 'dave', email: 'dave@example.com', groups: ['sales'], passwordHash: hash, locked: true }, now);
    ids.erin = await t.app.users.insert({ tenantId: 'demo', username: 'erin', email: 'erin@example.com', groups: ['sales'], passwordHash: hash }, now);
    ids.fay = await t.app.users.insert({ tenantId: 'demo', username: 'fay', groups: ['sales'], passwordHash: hash, enabled: false }, now);
    ids.hal = await t.app.users.insert({ tenantId: 'demo', username: 'hal', groups: ['g-helpdesk'], passwordHash: hash }, now);
    const methods = t.app.admin!.methods;
    await methods.add({ tenantId: 'demo', subjectId: ids.erin, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, now);
    await methods.add({ tenantId: 'demo', subjectId: ids.hal, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, now);
    // A pending method does not cover bob.
    const bob = await t.accountOf('bob');
    await methods.add({ tenantId: 'demo', subjectId: bob.id, kind: 'totp', name: 'pending', secret: SEED, confirmed: false }, now);

    await append([
      ...Array.from({ length: 3 }, () => entry('reset.started', 'success', { details: { purpose: 'reset' } })),
      entry('reset.started', 'decoy', { details: { purpose: 'reset' } }),
      ...Array.from({ length: 2 }, () => entry('reset.completed', 'success', { subjectId: ids.erin, details: { methods: ['email_code'], durationMs: 40_000 } })),
      entry('reset.attempts_exceeded', 'failure', { subjectId: ids.dave, details: { method: 'totp', purpose: 'reset' } }),
      ...Array.from({ length: 6 }, () => entry('signin.failed', 'failure', { subjectId: ids.dave })),
      ...Array.from({ length: 2 }, () => entry('reset.code_failed', 'failure', { subjectId: ids.erin, details: { method: 'email_code', purpose: 'reset' } })),
      ...Array.from({ length: 3 }, () => entry('reset.rate_limited', 'denied', { ip: '192.0.2.7', details: { bucket: 'start_ip' } })),
      entry('reset.rate_limited', 'denied', { ip: '198.51.100.9', details: { bucket: 'verify_identifier' } }),
    ]);

    operator = new PortalVisitor(t);
    t.clock.advance(31);
    await operator.get('/admin/sign-in');
    await operator.post('/admin/sign-in', { username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    await operator.get('/admin/sign-in/verify');
    await operator.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });

    t.clock.advance(31);
    const client = { ip: '127.0.0.1', userAgent: 'reports', correlationId: 'reports' };
    const started = await t.app.admin!.signIn.start({ tenantId: 'demo', identifier: 'hal', password: PASSWORD, client });
    const proven = await t.app.admin!.signIn.proveTotp({ token: started.token, code: totpAt(SEED, t.clock.now().getTime()), client });
    if (!proven.ok) throw new Error('helpdesk sign-in failed');
    helpdesk = new PortalVisitor(t);
    helpdesk.cookies.set('unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
  });
  afterAll(async () => t.close());

  const csvRows = (body: string) => body.replace(/^\uFEFF/, '').trim().split('\r\n').map((line) => line.split(','));

  it('lists every report with a link to it and to its CSV', async () => {
    const page = await operator.get('/admin/t/demo/reports');
    expect(page.statusCode).toBe(200);
    for (const id of ['coverage', 'locked', 'expiring', 'resets', 'failed', 'rate-limited']) {
      expect(page.body).toContain(`href="/admin/t/demo/reports/${id}"`);
      expect(page.body).toContain(`href="/admin/t/demo/reports/${id}.csv"`);
    }
  });

  it('coverage: lists enabled people with no usable method, by group, with a chart and its table', async () => {
    const page = await operator.get('/admin/t/demo/reports/coverage');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    // Enabled: alice, bob, carol, opal, dave, erin, hal = 7; covered: opal, erin, hal; fay is disabled.
    expect(text).toMatch(/People\s*7/);
    expect(text).toMatch(/With a registered method\s*3/);
    expect(text).toMatch(/Without a registered method\s*4/);
    expect(text).toMatch(/Disabled \(not counted\)\s*1/);
    expect(page.body).toContain('<caption class="chart-table-caption">Registration coverage by group</caption>');
    expect(page.body).toMatch(/<th scope="row">sales<\/th><td data-value="1">1<\/td><td data-value="1">1<\/td>/);
    const api = await operator.get('/admin/t/demo/reports/coverage.csv');
    const rows = csvRows(api.body);
    expect(rows[0]).toEqual(['username', 'display_name', 'email', 'groups', 'account_id', 'overdue']);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
  });

  it('coverage: the group filter narrows to one group', async () => {
    const page = await operator.get('/admin/t/demo/reports/coverage?group=sales');
    const text = visibleText(page.body);
    expect(text).toMatch(/People\s*2/);
    expect(text).toMatch(/Without a registered method\s*1/);
    expect(page.body).toContain('<td>dave</td>');
    expect(page.body).not.toContain('<td>alice</td>');
  });

  it('locked: lists the account locked out now', async () => {
    const page = await operator.get('/admin/t/demo/reports/locked');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<td>dave</td>');
    expect(visibleText(page.body)).toMatch(/Locked out\s*1/);
  });

  it('expiring: the built-in store says passwords never expire, so nothing is listed', async () => {
    const page = await operator.get('/admin/t/demo/reports/expiring?days=30');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toMatch(/Never expire\s*7/);
    expect(page.body).toContain('Nothing to report.');
  });

  it('resets: outcomes and methods match the seeded log', async () => {
    const res = await operator.get('/admin/t/demo/reports/resets?period=7d');
    expect(res.statusCode).toBe(200);
    const csv = csvRows((await operator.get('/admin/t/demo/reports/resets.csv?period=7d')).body);
    const outcome = Object.fromEntries(csv.filter((r) => r[0] === 'outcome').map((r) => [r[1], Number(r[2])]));
    expect(outcome).toEqual({ started: 3, completed: 2, failed: 1, decoy: 1, rate_limited: 4 });
    const method = Object.fromEntries(csv.filter((r) => r[0] === 'method').map((r) => [r[1], r.slice(2).map(Number)]));
    expect(method).toEqual({ email_code: [2, 0, 2], totp: [0, 0, 1] });
  });

  it('failed repeatedly: people with at least min failures, with their username', async () => {
    const csv = csvRows((await operator.get('/admin/t/demo/reports/failed.csv?period=24h&min=5')).body);
    expect(csv.slice(1).map((r) => r.slice(0, 4))).toEqual([['dave', '7', '6', '1']]);
    const lower = csvRows((await operator.get('/admin/t/demo/reports/failed.csv?period=24h&min=2')).body);
    expect(lower.slice(1).map((r) => r[0])).toEqual(['dave', 'erin']);
  });

  it('rate-limited sources: refusals by address and limit, most first', async () => {
    const csv = csvRows((await operator.get('/admin/t/demo/reports/rate-limited.csv?period=24h')).body);
    expect(csv.slice(1).map((r) => r.slice(0, 3))).toEqual([['192.0.2.7', 'start_ip', '3'], ['198.51.100.9', 'verify_identifier', '1']]);
  });

  it('streams the CSV as an attachment and audits the export naming the operator', async () => {
    const before = await t.app.database.db.selectFrom('audit_log').select('id').where('event', '=', 'admin.exported').execute();
    const res = await operator.get('/admin/t/demo/reports/locked.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="unlatch-locked-demo-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(csvRows(res.body).slice(1).map((r) => r[0])).toEqual(['dave']);
    const exports = await t.app.database.db.selectFrom('audit_log').select(['actor', 'details']).where('event', '=', 'admin.exported').orderBy('seq', 'desc').execute();
    expect(exports.length).toBe(before.length + 1);
    expect(exports[0]!.actor).toBe('operator:demo/opal');
    expect(JSON.parse(exports[0]!.details)).toMatchObject({ what: 'report', report: 'locked', format: 'csv' });
  });

  it('refuses an unknown report with 404 and a bad parameter with 400, never a 500', async () => {
    expect((await operator.get('/admin/t/demo/reports/nope')).statusCode).toBe(404);
    expect((await operator.get('/admin/t/demo/reports/nope.csv')).statusCode).toBe(404);
    expect((await operator.get('/admin/t/demo/reports/expiring?days=9999')).statusCode).toBe(400);
    expect((await operator.get('/admin/t/demo/reports/resets?period=1y')).statusCode).toBe(400);
    expect((await operator.get('/admin/t/demo/reports/coverage?group=a&group=b')).statusCode).toBe(400);
  });

  it('serves the same report as JSON to a bearer token', async () => {
    const { token } = await t.app.admin!.tokens.create({ role: 'auditor', tenants: ['demo'], ttlSeconds: 3600, name: 'reports', createdBy: 'test' });
    const res = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/reports/locked', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { rows: Array<{ username: string }>; total: number; figures: Array<{ key: string; value: number }> };
    expect(body.rows.map((r) => r.username)).toEqual(['dave']);
    expect(body.total).toBe(1);
    const csv = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/reports/coverage.csv', headers: { authorization: `Bearer ${token}` } });
    expect(csv.statusCode).toBe(200);
    expect(csvRows(csv.body).length).toBe(5);
  });

  it('keeps helpdesk operators out of every report (403)', async () => {
    for (const url of ['/admin/t/demo/reports', '/admin/t/demo/reports/coverage', '/admin/t/demo/reports/coverage.csv']) {
      expect((await helpdesk.get(url)).statusCode).toBe(403);
    }
  });
});
