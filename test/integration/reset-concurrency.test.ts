import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgUp)(`concurrent requests on one flow (${database})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(async () => {
      await t?.close();
    });

    const start = async (identifier: string) =>
      ((await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } })).json() as { flowId: string }).flowId;

    it('never counts more wrong codes than the limit, however many arrive at once', async () => {
      const flowId = await start('bob');
      const code = await t.codeFor('bob@example.com');
      const wrong = code === '000000' ? '111111' : '000000';
      const answers = await Promise.all(
        Array.from({ length: 12 }, () => t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code: wrong } })),
      );
      const statuses = answers.map((a) => a.statusCode);
      // Every answer is a refusal: a wrong code (422), the end of the flow (410) or a lost race (409).
      for (const status of statuses) expect([409, 410, 422]).toContain(status);
      const row = await t.app.database.db.selectFrom('reset_flows').select(['attempts', 'state']).where('subject_id', 'is not', null).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
      expect(row.attempts).toBeLessThanOrEqual(5);
      // Every guess that was judged was also counted: a lost race is refused unjudged (no free guesses).
      const judged = answers.filter((a) => ['code_invalid', 'code_attempts_exceeded'].includes((a.json() as { code: string }).code));
      expect(judged.length).toBe(row.attempts);
      // The right code still works only if the flow survived.
      const right = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } });
      expect(right.statusCode).toBe(row.state === 'awaiting_code' ? 200 : 410);
    });

    it('lets exactly one of two simultaneous new passwords win', async () => {
      const flowId = await start('carol');
      const code = await t.codeFor('carol@example.com');
      expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
      const [a, b] = await Promise.all(
        ['marble canyon lighthouse 41', 'frozen meadow trumpet 58'].map((password) =>
          t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password } }),
        ),
      );
      const codes = [a!.statusCode, b!.statusCode].sort();
      expect(codes[0]).toBe(200);
      expect([409, 410]).toContain(codes[1]);
      const carol = (await t.app.users.list('demo')).find((u) => u.username === 'carol')!;
      const winner = a!.statusCode === 200 ? 'marble canyon lighthouse 41' : 'frozen meadow trumpet 58';
      expect(await t.app.hasher.verify(carol.passwordHash!, winner)).toBe(true);
      const completed = await t.app.database.db.selectFrom('audit_log').select('event').where('event', '=', 'reset.completed').execute();
      expect(completed).toHaveLength(1);
    });
  });
}
