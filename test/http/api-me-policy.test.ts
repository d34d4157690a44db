import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('JSON API: what the policy asks of a signed-in person', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const call = (method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = async () => ((await call('POST', '/api/v1/me/session', undefined, { identifier: 'alice', password: 'violet sandwich glacier' })).json() as { token: string }).token;

  it('asks for registration while a required second method is missing, and stops once it is there', async () => {
    t = await startTestApp({ overrides: { policy: { default: { registrationRequired: true, requiredMethods: 2 } } } });
    const token = await signIn();
    expect((await call('GET', '/api/v1/me/methods', token)).json()).toMatchObject({ registrationNeeded: true });
    await call('POST', '/api/v1/me/methods', token, { kind: 'backup_code' });
    expect((await call('GET', '/api/v1/me/methods', token)).json()).toMatchObject({ registrationNeeded: false });
  });

  it('asks to re-confirm methods after the configured days, until the person confirms', async () => {
    t = await startTestApp({ overrides: { policy: { default: { reconfirmDays: 30 } } } });
    const token = await signIn();
    const { codes } = (await call('POST', '/api/v1/me/methods', token, { kind: 'backup_code' })).json() as { codes: string[] };
    expect((await call('GET', '/api/v1/me/methods', token)).json()).toMatchObject({ reconfirmDue: false });

    t.clock.advance(31 * 86_400);
    const later = await signIn();
    expect((await call('POST', '/api/v1/me/session/verify', later, { method: 'backup_code', code: codes[0]! })).statusCode).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', later)).json()).toMatchObject({ reconfirmDue: true });
    expect((await call('POST', '/api/v1/me/methods/review', later)).statusCode).toBe(204);
    expect((await call('GET', '/api/v1/me/methods', later)).json()).toMatchObject({ reconfirmDue: false });
    const events = await t.app.database.db.selectFrom('audit_log').select('event').where('event', '=', 'method.reviewed').execute();
    expect(events).toHaveLength(1);
  });
});
