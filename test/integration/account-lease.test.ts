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

    it('lets exactly one of a reset and a change of the same account write, when both reach the directory at once', async () => {
      // The store keeps one live flow per account, so the other writer that can race a reset is the person's own change.
      const flowId = await provenFlow('bob', 'bob@example.com');
      const [reset, change] = await Promise.all([
        post(`/api/v1/reset/${flowId}/password`, { password: 'tundra kestrel viaduct 14' }),
        post('/api/v1/password/change', { identifier: 'bob', currentPassword: 'copper lantern meadow', newPassword: 'orchard plankton saffron 62' }),
      ]);
      const statuses = [reset.statusCode, change.statusCode];
      expect(statuses.filter((s) => s === 200), `${reset.body}\n${change.body}`).toHaveLength(1);
      // The loser was refused: busy account (409), its flow ended by the change (410), or the old password no longer valid (401).
      expect([401, 409, 410]).toContain(statuses.find((s) => s !== 200));
      const winner = reset.statusCode === 200 ? 'tundra kestrel viaduct 14' : 'orchard plankton saffron 62';
      const loser = winner === 'tundra kestrel viaduct 14' ? 'orchard plankton saffron 62' : 'tundra kestrel viaduct 14';
      expect((await post('/api/v1/me/session', { identifier: 'bob', password: winner })).statusCode).toBe(201);
      expect((await post('/api/v1/me/session', { identifier: 'bob', password: loser })).statusCode).toBe(401);
    });

    it('keeps one live flow per account: a second live flow for the same account is refused by the store', async () => {
      const flowA = await provenFlow('carol', 'carol@example.com');
      const a = await t.app.store.flows.findByHandleHash(hashHandle(flowA));
      await expect(t.app.store.transaction((tx) => tx.flows.insert({ ...a!, id: newId(), handleHash: hashHandle(newFlowHandle()), version: 1 }))).rejects.toThrow();
    });
  });
}
