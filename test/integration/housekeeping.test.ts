import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeExpired } from '../../src/adapters/store/housekeeping.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('housekeeping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('removes long-expired flows and old delivered mail, keeps live flows and the audit log', async () => {
    const start = async () => (await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'carol' } })).json() as { flowId: string };
    await start();
    await t.deliverMail();
    const db = t.app.database.db;
    const auditBefore = (await db.selectFrom('audit_log').select('seq').execute()).length;

    // Nothing is old enough yet.
    expect(await purgeExpired(db, t.clock.now(), { outboxRetentionDays: 7, devOutboxKeep: 500 })).toEqual({ flows: 0, outbox: 0, devOutbox: 0 });

    t.clock.advance(8 * 86_400);
    const live = await start();
    const report = await purgeExpired(db, t.clock.now(), { outboxRetentionDays: 7, devOutboxKeep: 1 });
    expect(report.flows).toBe(1);
    expect(report.outbox).toBe(1);
    expect((await db.selectFrom('reset_flows').select('id').execute()).length).toBe(1);
    expect((await db.selectFrom('audit_log').select('seq').execute()).length).toBeGreaterThan(auditBefore);
    const view = await t.server.inject({ method: 'GET', url: `/api/v1/reset/${live.flowId}` });
    expect(view.statusCode).toBe(200);
  });
});
