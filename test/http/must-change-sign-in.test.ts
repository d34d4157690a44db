import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, changePassword, postJson } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const ONE_TIME = 'Read-Out-Once-4711!';
const OWN = 'quiet harbour lantern morning';

/**
 * A one-time password (the helpdesk's, "must change at next sign-in") opens nothing but /change: whoever read it
 * out must not be able to sign in to security info with it and register methods of their own.
 */
describe('a password that must be changed first', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const setOneTime = async () => {
    const alice = await t!.accountOf('alice');
    const write = await t!.app.admin!.directory.preparePasswordWrite(alice, ONE_TIME, { mustChange: true });
    await t!.app.store.transaction((tx) => write.commit(tx));
  };

  it('is refused at security-info sign-in with a pointer to /change; after the change, the own password signs in', async () => {
    t = await startTestApp();
    await setOneTime();
    const v = new PortalVisitor(t);
    await v.get('/security-info/sign-in');
    const refused = await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ONE_TIME });
    expect(refused.statusCode).toBe(403);
    expect(visibleText(refused.body)).toContain('Choose your own password on the Change password page first');
    expect(refused.headers['set-cookie'] ?? '').not.toMatch(/session/i);
    const api = await postJson(t, '/api/v1/me/session', { identifier: ALICE.username, password: ONE_TIME });
    expect(api.statusCode).toBe(403);
    expect(api.json()).toMatchObject({ code: 'password_change_required' });

    expect((await changePassword(t, ALICE.username, ONE_TIME, OWN)).statusCode).toBe(200);
    const signedIn = await v.post('/security-info/sign-in', { identifier: ALICE.username, password: OWN });
    expect(signedIn.statusCode).toBe(303);
  });

  it('a wrong password is still only "not right" (nothing says whether a one-time password is set)', async () => {
    t = await startTestApp();
    await setOneTime();
    const wrong = await postJson(t, '/api/v1/me/session', { identifier: ALICE.username, password: 'Not-The-One-4711!' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
  });
});
