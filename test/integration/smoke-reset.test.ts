import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('reset through the real app (SQLite)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('resets alice and the new password is the one that works', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    expect(start.statusCode).toBe(202);
    const { flowId } = start.json() as { flowId: string };
    const code = await t.codeFor('alice@example.com');
    const verify = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } });
    expect(verify.statusCode).toBe(200);
    const set = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } });
    expect(set.statusCode).toBe(200);
    const alice = await t.app.users.list('demo').then((u) => u.find((x) => x.username === 'alice')!);
    expect(await t.app.hasher.verify(alice.passwordHash!, 'tangerine orbit walrus 77')).toBe(true);
    expect(await t.app.hasher.verify(alice.passwordHash!, 'violet sandwich glacier')).toBe(false);
  });
});
