import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgUp)(`a whole reset through the real app on ${database}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('sets the new password, kills the old one, notifies, and audits every step', async () => {
      const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
      expect(start.statusCode).toBe(202);
      const { flowId } = start.json() as { flowId: string };
      const code = await t.codeFor('alice@example.com');
      expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
      const set = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } });
      expect(set.statusCode).toBe(200);

      const alice = (await t.app.users.list('demo')).find((x) => x.username === 'alice')!;
      expect(await t.app.hasher.verify(alice.passwordHash!, 'tangerine orbit walrus 77')).toBe(true);
      expect(await t.app.hasher.verify(alice.passwordHash!, 'violet sandwich glacier')).toBe(false);

      await t.deliverMail();
      const notice = (await t.mailsTo('alice@example.com')).find((m) => /changed/i.test(m.subject));
      expect(notice?.text).toContain('127.0.0.1');
      expect(notice?.text).not.toContain('tangerine');

      const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).orderBy('seq').execute();
      const names = events.map((e) => e.event);
      expect(names).toEqual(expect.arrayContaining(['reset.started', 'reset.code_sent', 'reset.code_verified', 'reset.completed', 'notice.sent']));
      for (const e of events) {
        expect(e.details).not.toContain(code);
        expect(e.details).not.toContain('tangerine');
      }
    });
  });
}
