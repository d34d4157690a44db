import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashHandle, newFlowHandle, newId } from '../../src/core/crypto/secrets.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgUp)(`one write per account at a time (${database})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(async () => {
      await t?.close();
    });

    const post = (url: string, payload: object) => t.server.inject({ method: 'POST', url, payload });
    /** A flow of `username` at the password step. */
    const provenFlow = async (username: string, email: string) => {
      const { flowId } = (await post('/api/v1/reset', { identifier: username })).json() as { flowId: string };
      expect((await post(`/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(email) })).statusCode).toBe(200);
      return flowId;
    };

    it('refuses a password while another node holds the account, and goes ahead once the lease runs out', async () => {
      const flowId = await provenFlow('alice', 'alice@example.com');
      const account = await t.accountOf('alice');
      expect(await t.app.store.locks.acquire('demo', account.id, 'other-node', t.clock.now(), 60)).toBe(true);

      const busy = await post(`/api/v1/reset/${flowId}/password`, { password: 'granite meadow lantern 81' });
      expect(busy.statusCode).toBe(409);
      expect(busy.json()).toMatchObject({ code: 'conflict' });
      // The flow waits at its step: nothing was written.
      expect((await t.server.inject({ method: 'GET', url: `/api/v1/reset/${flowId}` })).json()).toMatchObject({ next: 'set_password' });

      // A holder that died: its lease runs out and the next writer takes it over.
      t.clock.advance(61);
      const flowAfter = await provenFlow('alice', 'alice@example.com');
      expect((await post(`/api/v1/reset/${flowAfter}/password`, { password: 'granite meadow lantern 81' })).statusCode).toBe(200);
      // Released after the write: the same holder key is gone, a new lease is free at once.
      expect(await t.app.store.locks.acquire('demo', account.id, 'third', t.clock.now(), 60)).toBe(true);
      await t.app.store.locks.release('demo', account.id, 'third');
    });

    it('lets exactly one of two flows of the same account write, when both reach the password step at once', async () => {
      const flowA = await provenFlow('bob', 'bob@example.com');
      // A second live flow of the same account, as two nodes starting at the same instant could leave behind.
      const flowB = newFlowHandle();
      const a = await t.app.store.flows.findByHandleHash(hashHandle(flowA));
      await t.app.store.transaction((tx) => tx.flows.insert({ ...a!, id: newId(), handleHash: hashHandle(flowB), version: 1 }));

      const answers = await Promise.all([
        post(`/api/v1/reset/${flowA}/password`, { password: 'tundra kestrel viaduct 14' }),
        post(`/api/v1/reset/${flowB}/password`, { password: 'orchard plankton saffron 62' }),
      ]);
      const statuses = answers.map((r) => r.statusCode).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      // The loser was refused: busy account (409) or its flow already ended by the winner (410).
      expect([409, 410]).toContain(statuses.find((s) => s !== 200));
      const winner = answers[0]!.statusCode === 200 ? 'tundra kestrel viaduct 14' : 'orchard plankton saffron 62';
      const loser = winner === 'tundra kestrel viaduct 14' ? 'orchard plankton saffron 62' : 'tundra kestrel viaduct 14';
      expect((await post('/api/v1/me/session', { identifier: 'bob', password: winner })).statusCode).toBe(201);
      expect((await post('/api/v1/me/session', { identifier: 'bob', password: loser })).statusCode).toBe(401);
    });
  });
}
