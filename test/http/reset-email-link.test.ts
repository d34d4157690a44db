import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';
import { ALICE, BOB, getJson, postJson, setPassword, startReset, STRONG_PASSWORD } from './api-client.js';
import { PortalVisitor, setCookies, visibleText } from './portal-forms.js';

const TWO_PROOFS: TestAppOptions = { overrides: { policy: { default: { requiredMethods: 2 } } } };

describe('the emailed link (email_link): a GET shows a page, only its POST proves the mailbox', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const tokenFor = async (email: string) => {
    const token = await t!.linkTokenFor(email);
    if (!token) throw new Error('no link in the mail');
    return token;
  };

  it('API: the token from the mail proves the flow once; a wrong token costs an attempt', async () => {
    t = await startTestApp();
    const flowId = await startReset(t, ALICE.username);
    const token = await tokenFor(ALICE.email);
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);

    const wrong = await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'email_link', token: `${token.slice(0, -2)}xx` });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });

    const good = await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'email_link', token });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ next: 'set_password' });
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(200);

    // Spent with its flow: the same token in a newer flow of the same person is just wrong.
    const again = await startReset(t, ALICE.username);
    const replay = await postJson(t, `/api/v1/reset/${again}/verify`, { method: 'email_link', token });
    expect(replay.statusCode).toBe(422);
  });

  it('API: the body must carry the field of its method, and only that one', async () => {
    t = await startTestApp();
    const flowId = await startReset(t, ALICE.username);
    for (const body of [{ method: 'email_link' }, { method: 'email_link', code: '123456' }, { method: 'email_code', token: 'abc' }, { method: 'email_link', token: '' }]) {
      const res = await postJson(t, `/api/v1/reset/${flowId}/verify`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
  });

  it('portal: opening the link spends nothing; Continue goes on in this browser and the old flow id stops working', async () => {
    t = await startTestApp();
    const flowId = await startReset(t, ALICE.username);
    const token = await tokenFor(ALICE.email);

    // A mail scanner, a link preview, the person opening it twice: none of them spends the link.
    const scanner = new PortalVisitor(t);
    for (let i = 0; i < 3; i++) expect((await scanner.get(`/reset/link?token=${token}`)).statusCode).toBe(200);
    expect((await getJson(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'verify_code' });

    const phone = new PortalVisitor(t);
    const page = await phone.get(`/reset/link?token=${token}`);
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('Press “Continue” to confirm it is you');
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');

    const confirmed = await phone.post('/reset/link', { token });
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    expect(confirmed.headers.location).toBe('/reset/password');
    expect(setCookies(confirmed).some((c) => c.startsWith('unlatch_reset='))).toBe(true);
    // The first browser's flow id is gone: one browser finishes the reset.
    expect((await getJson(t, `/api/v1/reset/${flowId}`)).statusCode).toBe(410);

    const done = await phone.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/reset/done');

    // Spent: the link now shows the ended page, by GET and by POST.
    const spent = await new PortalVisitor(t).get(`/reset/link?token=${token}`);
    expect(spent.statusCode).toBe(410);
    expect(spent.body).not.toContain(token);
  });

  it('portal: a link whose code was used, that expired, or that never existed shows the ended page, never an error', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    const flowId = await startReset(t, ALICE.username);
    const token = await tokenFor(ALICE.email);
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(ALICE.email) })).statusCode).toBe(200);
    expect((await v.get(`/reset/link?token=${token}`)).statusCode).toBe(410);

    await startReset(t, BOB.username);
    const expiring = await tokenFor(BOB.email);
    t.clock.advance(t.config.reset.codeTtlSeconds + 1);
    expect((await v.get(`/reset/link?token=${expiring}`)).statusCode).toBe(410);

    for (const url of ['/reset/link', '/reset/link?token=', '/reset/link?token=nosuchtoken', `/reset/link?token=${'a'.repeat(500)}`]) {
      const res = await v.get(url);
      expect(res.statusCode, url).toBe(410);
      expect(visibleText(res.body)).toContain('This reset has ended');
    }
    await v.get('/reset');
    expect((await v.post('/reset/link', { token: 'nosuchtoken' })).statusCode).toBe(410);
  });

  it('with two proofs required, the link is the mailbox once: code and link are one family', async () => {
    t = await startTestApp(TWO_PROOFS);
    const account = await t.accountOf(BOB.username);
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account, client: { ip: '127.0.0.1', userAgent: 'test', correlationId: 'c' } });

    const flowId = await startReset(t, BOB.username);
    const token = await tokenFor(BOB.email);
    const code = await t.codeFor(BOB.email);
    const phone = new PortalVisitor(t);
    await phone.get(`/reset/link?token=${token}`);
    const first = await phone.post('/reset/link', { token });
    expect(first.headers.location).toBe('/reset/second');

    const second = await phone.follow(first);
    expect(second.statusCode).toBe(200);
    expect(visibleText(second.body)).toMatch(/Backup code/);
    // The emailed code died with the link; the old flow id too.
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code })).statusCode).toBe(410);
    const viaBackup = await phone.post('/reset/second', { method: 'backup_code', code: codes[0]! });
    expect(viaBackup.statusCode, viaBackup.body).toBe(303);
    expect(viaBackup.headers.location).toBe('/reset/password');
  });

  it('the mail has no link when the policy does not allow links, and a link proof then fails like a wrong code', async () => {
    t = await startTestApp({ overrides: { policy: { default: { allowedMethods: ['email_code', 'totp', 'webauthn', 'backup_code'] } } } });
    const flowId = await startReset(t, ALICE.username);
    expect(await t.linkTokenFor(ALICE.email)).toBeNull();
    const view = (await getJson(t, `/api/v1/reset/${flowId}`)).json() as { methods: Array<{ method: string }> };
    expect(view.methods.map((m) => m.method)).not.toContain('email_link');
    const res = await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'email_link', token: 'A'.repeat(32) });
    expect(res.statusCode).toBe(422);
  });

  it('offers the link among the first-proof methods, the same for every identifier', async () => {
    t = await startTestApp();
    const views = [];
    for (const identifier of [ALICE.username, 'nosuchuser']) {
      views.push((await getJson(t, `/api/v1/reset/${await startReset(t, identifier)}`)).json() as { methods: Array<{ method: string }> });
    }
    expect(views[0]!.methods.map((m) => m.method)).toContain('email_link');
    expect(views[1]!.methods).toEqual(views[0]!.methods);
  });
});
