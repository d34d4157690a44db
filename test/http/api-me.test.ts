import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('JSON API: /api/v1/me — sign-in and managing methods', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, payload?: object) =>
    t.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = async (identifier: string, password: string) => (await call('POST', '/api/v1/me/session', undefined, { identifier, password })).json() as { token: string; next: string; methods: string[] };

  let secret = '';
  let methodId = '';

  it('signs in with the password alone while no method is registered, and adds an authenticator app', async () => {
    const session = await signIn('alice', 'violet sandwich glacier');
    expect(session.next).toBe('done');
    expect((await call('GET', '/api/v1/me/methods', session.token)).json()).toEqual({ methods: [], registrationNeeded: false, reconfirmDue: false });

    const begun = await call('POST', '/api/v1/me/methods', session.token, { kind: 'totp', name: 'Pixel' });
    expect(begun.statusCode).toBe(201);
    ({ secret, methodId } = begun.json() as { secret: string; methodId: string });
    expect(begun.headers['cache-control']).toBe('no-store');

    const wrong = await call('POST', `/api/v1/me/methods/${methodId}/finish`, session.token, { code: totpAt(secret, t.clock.now().getTime() - 300_000) });
    expect(wrong.statusCode).toBe(422);
    expect((wrong.json() as { code: string }).code).toBe('code_invalid');
    const right = await call('POST', `/api/v1/me/methods/${methodId}/finish`, session.token, { code: totpAt(secret, t.clock.now().getTime()) });
    expect(right.statusCode).toBe(200);
    const listed = (await call('GET', '/api/v1/me/methods', session.token)).json() as { methods: Array<{ kind: string; name: string }> };
    expect(listed.methods).toMatchObject([{ kind: 'totp', name: 'Pixel' }]);

    expect((await call('DELETE', '/api/v1/me/session', session.token)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(401);
  });

  it('then needs the registered method too: a half-signed-in session can do nothing yet', async () => {
    const session = await signIn('alice', 'violet sandwich glacier');
    expect(session).toMatchObject({ next: 'verify_method', methods: ['totp'] });
    const early = await call('GET', '/api/v1/me/methods', session.token);
    expect(early.statusCode).toBe(401);
    expect((early.json() as { code: string }).code).toBe('session_invalid');

    // The code that confirmed the app is spent; so is a wrong one.
    const replay = await call('POST', '/api/v1/me/session/verify', session.token, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) });
    expect(replay.statusCode).toBe(422);
    expect((replay.json() as { attemptsLeft: number }).attemptsLeft).toBe(4);
    t.clock.advance(30);
    const ok = await call('POST', '/api/v1/me/session/verify', session.token, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) });
    expect(ok.statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(200);
  });

  it('creates backup codes that each sign in once', async () => {
    t.clock.advance(30);
    const first = await signIn('alice', 'violet sandwich glacier');
    await call('POST', '/api/v1/me/session/verify', first.token, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) });
    const created = await call('POST', '/api/v1/me/methods', first.token, { kind: 'backup_code' });
    const { codes } = created.json() as { codes: string[] };
    expect(codes).toHaveLength(10);

    const second = await signIn('alice', 'violet sandwich glacier');
    expect(second.methods).toEqual(['totp', 'backup_code']);
    expect((await call('POST', '/api/v1/me/session/verify', second.token, { method: 'backup_code', code: codes[0]! })).statusCode).toBe(200);
    const third = await signIn('alice', 'violet sandwich glacier');
    expect((await call('POST', '/api/v1/me/session/verify', third.token, { method: 'backup_code', code: codes[0]! })).statusCode).toBe(422);
    const listed = (await call('GET', '/api/v1/me/methods', second.token)).json() as { methods: Array<{ kind: string; remaining?: number }> };
    expect(listed.methods.find((m) => m.kind === 'backup_code')?.remaining).toBe(9);
  });

  it('removes methods the policy can spare (the email address still allows a reset)', async () => {
    t.clock.advance(30);
    const session = await signIn('alice', 'violet sandwich glacier');
    await call('POST', '/api/v1/me/session/verify', session.token, { method: 'totp', code: totpAt(secret, t.clock.now().getTime()) });
    expect((await call('DELETE', `/api/v1/me/methods/${methodId}`, session.token)).statusCode).toBe(204);
    expect((await call('DELETE', '/api/v1/me/methods/backup_codes', session.token)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me/methods', session.token)).json()).toMatchObject({ methods: [] });
    expect((await call('DELETE', '/api/v1/me/methods/nosuchmethod', session.token)).statusCode).toBe(404);
  });

  it('answers an unknown user and a wrong password the same, and refuses bad tokens', async () => {
    const unknown = await call('POST', '/api/v1/me/session', undefined, { identifier: 'nobody', password: 'whatever it is' });
    const wrong = await call('POST', '/api/v1/me/session', undefined, { identifier: 'bob', password: 'whatever it is' });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect((unknown.json() as { code: string }).code).toBe((wrong.json() as { code: string }).code);
    for (const header of ['Bearer', 'Bearer x', 'Basic abc', `Bearer ${'a'.repeat(40)}`]) {
      const res = await t.server.inject({ method: 'GET', url: '/api/v1/me/methods', headers: { authorization: header } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('ends every session when the password is reset', async () => {
    const session = await signIn('bob', 'copper lantern meadow');
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(200);
    const { flowId } = (await call('POST', '/api/v1/reset', undefined, { identifier: 'bob' })).json() as { flowId: string };
    const code = await t.codeFor('bob@example.com');
    await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { code });
    expect((await call('POST', `/api/v1/reset/${flowId}/password`, undefined, { password: 'granite willow compass 63' })).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(401);
  });
});
