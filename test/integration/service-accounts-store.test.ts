import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditReaderForTests } from '../contract/audit-rows.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postJson } from '../http/api-client.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

/**
 * The built-in SQL directory on both databases: its groups mark service accounts (the default marks, here AD's
 * `Domain Admins` held as a plain group), the start answers as for an unknown account, and the audit entry,
 * written in the start's transaction, says suspicious. The built-in store keeps no extra attributes.
 */
for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgUp)(`service accounts in the built-in store on ${database}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
      const now = new Date();
      await t.app.users.insert({ tenantId: 'demo', username: 'svc-backup', email: 'svc-backup@example.com', groups: ['Domain Admins'] }, now);
      await t.app.users.insert({ tenantId: 'demo', username: 'dina', email: 'dina@example.com', groups: ['staff'] }, now);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('answers a service account as an unknown one, sends nothing, audits it as suspicious', async () => {
      const service = await postJson(t, '/api/v1/reset', { identifier: 'svc-backup' });
      const unknown = await postJson(t, '/api/v1/reset', { identifier: 'no-such-person' });
      const normal = await postJson(t, '/api/v1/reset', { identifier: 'dina' });
      for (const res of [service, unknown, normal]) {
        expect(res.statusCode).toBe(202);
        expect(Object.keys(res.json<object>()).sort()).toEqual(['expiresAt', 'flowId', 'next']);
      }
      await t.deliverMail();
      expect(await t.mailsTo('svc-backup@example.com')).toHaveLength(0);
      expect(await t.mailsTo('dina@example.com')).toHaveLength(1);

      const started = (await new SqlAuditReaderForTests(t.app.database.db).all()).filter((e) => e.event === 'reset.started').slice(-3);
      expect(started.map((e) => [e.outcome, JSON.parse(e.details).reason ?? null, JSON.parse(e.details).suspicious ?? false])).toEqual([
        ['decoy', 'service_account', true],
        ['decoy', 'unknown_account', false],
        ['success', null, false],
      ]);
    });
  });
}
