import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditStats } from '../../src/adapters/store/audit-rollup.js';
import { SqlAuditSearch } from '../../src/adapters/store/audit-search.js';
import { loadOverview } from '../../src/core/admin/overview.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

// The overview's figures come from what the flows really write: a whole reset through the real app must show
// up in every step of the funnel, in M1, M2 and M5, and its trail in the audit search.
describe('a real reset in the console overview (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: 'sqlite' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('counts the reset in the funnel, the success rate, time to reset and code delivery', async () => {
    const stats = new SqlAuditStats(t.app.database.db);
    const before = await loadOverview({ stats }, 'demo', '24h', new Date());
    expect(before.resets.started).toBe(0);

    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    expect(start.statusCode).toBe(202);
    const { flowId } = start.json() as { flowId: string };
    const code = await t.codeFor('alice@example.com');
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } })).statusCode).toBe(200);
    await t.deliverMail();
    // An identifier nobody has: a decoy start, counted apart.
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'nobody-here' } })).statusCode).toBe(202);

    const o = await loadOverview({ stats }, 'demo', '24h', new Date());
    expect(o.resets).toMatchObject({ started: 1, completed: 1, failed: 0, decoys: 1, successRate: 1 });
    expect(o.funnel.steps.map((s) => [s.step, s.count])).toEqual([['started', 1], ['first_proof', 1], ['second_proof', 0], ['password', 1], ['done', 1]]);
    expect(o.timeToReset.samples).toBe(1);
    expect(o.timeToReset.p50Ms).not.toBeNull();
    expect(o.byMethod[0]).toMatchObject({ method: 'email_code', completed: 1, proofsPassed: 1 });
    expect(o.delivery.codes.good).toBeGreaterThanOrEqual(1);
    expect(o.series.reduce((sum, b) => sum + b.completed, 0)).toBe(1);

    // The API's flow handle is not the flow's id (the audit's): find the flow by its completion, then its trail.
    const search = new SqlAuditSearch(t.app.database.db);
    const [completed] = (await search.search({ tenantId: 'demo', event: 'reset.completed' }, { limit: 5 })).entries;
    expect(completed!.details).toMatchObject({ methods: ['email_code'] });
    expect(completed!.details.durationMs).toEqual(expect.any(Number));
    const trail = await search.search({ tenantId: 'demo', flowId: completed!.flowId }, { limit: 50 });
    expect(trail.entries.map((e) => e.event)).toEqual(expect.arrayContaining(['reset.started', 'reset.code_verified', 'reset.completed']));
    expect(trail.entries.every((e) => e.flowId === completed!.flowId)).toBe(true);
  });
});
