import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { type PortalVisitor, visibleText } from './portal-forms.js';

/** The overview's figures against a log seeded through the real appender, with known counts; page and API agree. */
describe('console overview', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  let token: string;

  const entry = (event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'], details: Record<string, unknown> = {}): AuditEntryInput =>
    ({ event, outcome, tenantId: 'demo', subjectId: 'someone', actor: 'self', details });
  async function seed(entries: AuditEntryInput[]): Promise<void> {
    await t.app.store.transaction(async (tx) => {
      for (const e of entries) await tx.audit.append(e);
    });
  }

  beforeAll(async () => {
    t = await startTestApp();
    // 2 days ago: inside 7 days, outside 24 hours.
    t.clock.advance(-2 * 86_400);
    await seed([
      ...Array.from({ length: 10 }, () => entry('reset.started', 'success', { purpose: 'reset' })),
      ...Array.from({ length: 3 }, () => entry('reset.started', 'decoy', { purpose: 'reset' })),
      ...Array.from({ length: 6 }, () => entry('reset.completed', 'success', { durationMs: 60_000, methods: ['email_code'] })),
      ...Array.from({ length: 2 }, () => entry('reset.attempts_exceeded', 'failure', { method: 'email_code', purpose: 'reset' })),
      ...Array.from({ length: 4 }, () => entry('reset.code_sent', 'success', { channel: 'email' })),
      entry('reset.code_send_failed', 'failure', { channel: 'email' }),
      ...Array.from({ length: 3 }, () => entry('reset.rate_limited', 'denied', { bucket: 'start_ip' })),
    ]);
    t.clock.advance(2 * 86_400);
    // Within the last hour: one more start, so 24 h and 7 d differ.
    await seed([entry('reset.started', 'success', { purpose: 'reset' })]);
    operator = await signInDemoOperator(t);
    token = (await t.app.admin!.tokens.create({ role: 'auditor', tenants: ['demo'], ttlSeconds: 3600, name: 'overview', createdBy: 'test' })).token;
  });
  afterAll(async () => t.close());

  it('counts the seeded entries over 7 days and over 24 hours (API)', async () => {
    const get = async (period: string) => {
      const res = await t.server.inject({ method: 'GET', url: `/api/v1/admin/tenants/demo/overview?period=${period}`, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      return res.json() as { resets: { started: number; completed: number; failed: number; decoys: number; successRate: number }; timeToReset: { p50Ms: number }; rateLimited: { refused: number }; delivery: { codes: { good: number; bad: number } } };
    };
    const week = await get('7d');
    expect(week.resets).toMatchObject({ started: 11, completed: 6, failed: 2, decoys: 3 });
    expect(week.resets.successRate).toBeCloseTo(6 / 11, 5);
    expect(week.timeToReset.p50Ms).toBeGreaterThan(60_000 * 0.9);
    expect(week.timeToReset.p50Ms).toBeLessThan(60_000 * 1.1);
    expect(week.rateLimited.refused).toBe(3);
    expect(week.delivery.codes).toMatchObject({ good: 4, bad: 1 });
    const day = await get('24h');
    expect(day.resets).toMatchObject({ started: 1, completed: 0, failed: 0 });
  });

  it('shows the same figures on the page, with a data table behind every chart', async () => {
    const page = await operator.get('/admin/t/demo/overview?period=7d');
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toMatch(/Resets started 11 Resets completed 6 Resets failed 2 Success rate \(M1\) 54\.5 %/);
    const figures = [...page.body.matchAll(/<figure[^>]*data-chart/g)].length;
    expect(figures).toBe(3);
    expect([...page.body.matchAll(/<table/g)].length).toBeGreaterThanOrEqual(figures);
    expect(page.body).toMatch(/<script src="\/admin\/assets\/chart\.js\?v=[0-9a-f]+" defer><\/script>/);
  });

  it('shows registration coverage as the latest full coverage report counted it', async () => {
    const before = visibleText((await operator.get('/admin/t/demo/overview')).body);
    expect(before).toContain('Registration coverage — Not counted yet: run the coverage report');
    // The demo tenant: alice, bob and carol have no method of their own; opal has an authenticator app.
    expect((await operator.get('/admin/t/demo/reports/coverage')).statusCode).toBe(200);
    const after = visibleText((await operator.get('/admin/t/demo/overview')).body);
    expect(after).toMatch(/Registration coverage 25\.0 % 1 of 4 people, counted /);
    const api = await t.server.inject({ method: 'GET', url: '/api/v1/admin/tenants/demo/overview', headers: { authorization: `Bearer ${token}` } });
    expect(api.json()).toMatchObject({ coverage: { people: 4, covered: 1, rate: 0.25 } });
  });

  it('refuses an unknown period with a readable 400', async () => {
    expect((await operator.get('/admin/t/demo/overview?period=1y')).statusCode).toBe(400);
  });
});
