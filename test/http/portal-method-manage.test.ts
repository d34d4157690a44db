import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { ClientInfo } from '../../src/core/ports/client-info.js';
import { useFakeWebhook } from '../helpers/fake-sms-providers.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB } from './api-client.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

const ORIGIN = 'https://reset.example.org';
const RP_ID = 'reset.example.org';
const CLIENT: ClientInfo = { ip: '203.0.113.9', userAgent: 'test', correlationId: 'test' };

describe('portal: renaming and testing methods on the security info pages', () => {
  const fake = useFakeWebhook();
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN, sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] } } });
    return t;
  };
  /** A visitor signed in with the password alone (methods are added afterwards, behind the session's back). */
  const signedIn = async (user: { username: string; password: string } = ALICE) => {
    const v = new PortalVisitor(t!);
    const res = await v.fill('/security-info/sign-in', { identifier: user.username, password: user.password });
    expect(res.headers.location).toBe('/security-info');
    return v;
  };
  const addApp = async (username: string, name: string) => {
    const account = await t!.accountOf(username);
    const begun = await t!.app.methodRegistration.beginTotp({ account, name, client: CLIENT });
    expect(await t!.app.methodRegistration.finishTotp({ account, methodId: begun.methodId, code: totpAt(begun.secret, t!.clock.now().getTime()), client: CLIENT })).toEqual({ ok: true });
    t!.clock.advance(60);
    return begun;
  };
  const lastUsed = async (methodId: string) => (await t!.app.methodRegistration.list(await t!.accountOf(ALICE.username))).find((m) => m.id === methodId)?.lastUsedAt?.getTime() ?? 0;
  const audit = async (event: string) =>
    (await t!.app.database.db.selectFrom('audit_log').select(['outcome', 'details']).where('event', '=', event).orderBy('seq').execute()).map((e) => ({ outcome: e.outcome, ...(JSON.parse(e.details) as object) }));
  const otherCode = (code: string) => (code === '000000' ? '111111' : '000000');

  it('links each method to its rename and test pages; backup codes get neither, and the list says why', async () => {
    await start();
    const v = await signedIn();
    const { methodId } = await addApp(ALICE.username, 'Pixel');
    await t!.app.methodRegistration.regenerateBackupCodes({ account: await t!.accountOf(ALICE.username), client: CLIENT });
    const list = await v.get('/security-info');
    expect(list.body).toContain(`<a href="/security-info/rename?methodId=${methodId}">Rename<span class="visually-hidden"> Pixel</span></a>`);
    expect(list.body).toContain(`<a href="/security-info/test?methodId=${methodId}">Test<span class="visually-hidden"> Pixel</span></a>`);
    expect(list.body).not.toContain('rename?methodId=backup_codes');
    expect(list.body).not.toContain('test?methodId=backup_codes');
    expect(visibleText(list.body)).toContain('Backup codes cannot be tested: a test would use one up.');
  });

  it('renames a method on a small page: a labelled field with the name in it, errors tied to it, back to the list', async () => {
    await start();
    const v = await signedIn();
    const { methodId } = await addApp(ALICE.username, 'Pixel');
    const page = await v.get(`/security-info/rename?methodId=${methodId}`);
    expect(page.statusCode).toBe(200);
    expectLabelledControls(page.body);
    expect(page.body).toContain('<label for="name">New name for “Pixel”</label>');
    expect(page.body).toMatch(/<input id="name" name="name" type="text" value="Pixel"[^>]*maxlength="64"[^>]*aria-describedby="name-hint"/);
    expect(page.body).toContain(`<input type="hidden" name="methodId" value="${methodId}">`);

    const empty = await v.post('/security-info/rename', { methodId, name: '   ' });
    expect(empty.statusCode).toBe(422);
    expectLabelledControls(empty.body);
    expect(empty.body).toMatch(/<input id="name"[^>]*aria-describedby="name-hint name-error"[^>]*aria-invalid="true"/);
    expect(empty.body).toContain('<a href="#name">Enter a name.</a>');
    const long = await v.post('/security-info/rename', { methodId, name: 'x'.repeat(65) });
    expect(long.statusCode).toBe(422);
    expect(visibleText(long.body)).toContain('Use at most 64 characters.');
    // What was typed stays in the field.
    expect(long.body).toContain(`value="${'x'.repeat(65)}"`);

    const saved = await v.post('/security-info/rename', { methodId, name: '  Work\u0007 phone ' });
    expect(saved.headers.location).toBe('/security-info?done=renamed');
    const list = await v.follow(saved);
    expect(list.body).toMatch(/<div class="panel-success" role="status">\s*<p class="lead">The method has been renamed\.<\/p>/);
    expect(visibleText(list.body)).toContain('Work phone');
    expect(visibleText(list.body)).not.toContain('Pixel');
    expect(await audit('method.renamed')).toEqual([{ outcome: 'success', kind: 'totp', methodId }]);
  });

  it('renames and tests only the person’s own methods (404), and never backup codes', async () => {
    await start();
    const v = await signedIn();
    const bobs = await addApp(BOB.username, 'Bob’s phone');
    expect((await v.get(`/security-info/rename?methodId=${bobs.methodId}`)).statusCode).toBe(404);
    await v.get('/security-info');
    expect((await v.post('/security-info/rename', { methodId: bobs.methodId, name: 'Mine' })).statusCode).toBe(404);
    expect((await v.get(`/security-info/test?methodId=${bobs.methodId}`)).statusCode).toBe(404);
    await v.get('/security-info');
    expect((await v.post('/security-info/test', { methodId: bobs.methodId, code: '123456' })).statusCode).toBe(404);
    expect((await t!.app.methodRegistration.list(await t!.accountOf(BOB.username)))[0]!.name).toBe('Bob’s phone');

    await t!.app.methodRegistration.regenerateBackupCodes({ account: await t!.accountOf(ALICE.username), client: CLIENT });
    expect((await v.get('/security-info/rename?methodId=backup_codes')).statusCode).toBe(400);
    const codes = await v.get('/security-info/test?methodId=backup_codes');
    expect(codes.statusCode).toBe(200);
    expect(visibleText(codes.body)).toContain('Backup codes cannot be tested: each works only once, so a test would use one up.');
    expect(codes.body).not.toContain('action="/security-info/test"');
    await v.get('/security-info');
    expect((await v.post('/security-info/test', { methodId: 'backup_codes', code: 'ABCDEF-GHJKMN' })).statusCode).toBe(400);
    // Signed out: to the sign-in page.
    const stranger = new PortalVisitor(t!);
    expect((await stranger.get(`/security-info/test?methodId=${bobs.methodId}`)).headers.location).toBe('/security-info/sign-in');
  });

  it('tests an authenticator app: a right code says “It works”, a wrong or used one says so next to the field, five tries per 10 minutes', async () => {
    await start();
    const v = await signedIn();
    const { methodId, secret } = await addApp(ALICE.username, 'Pixel');
    const before = await lastUsed(methodId);
    const page = await v.get(`/security-info/test?methodId=${methodId}`);
    expect(page.statusCode).toBe(200);
    expectLabelledControls(page.body);
    expect(visibleText(page.body)).toContain('Check that “Pixel” still works.');
    expect(page.body).toContain('<form method="post" action="/security-info/test" novalidate>');
    expect(page.body).toMatch(/<input id="code" name="code" type="text"/);

    const empty = await v.post('/security-info/test', { methodId, code: '' });
    expect(empty.statusCode).toBe(422);
    expect(visibleText(empty.body)).toContain('Enter the code.');
    const code = totpAt(secret, t!.clock.now().getTime());
    const wrong = await v.post('/security-info/test', { methodId, code: otherCode(code) });
    expect(wrong.statusCode).toBe(422);
    expectLabelledControls(wrong.body);
    expect(wrong.body).toMatch(/<input id="code"[^>]*aria-describedby="code-hint code-error"[^>]*aria-invalid="true"/);
    expect(visibleText(wrong.body)).toContain('That code is not right. Check that you use the code shown for this account, and that your phone\'s clock is right. You can try 4 more times in the next 10 minutes.');

    const works = await v.post('/security-info/test', { methodId, code });
    expect(works.statusCode).toBe(200);
    expect(works.body).toMatch(/<div class="panel-success" role="status">\s*<p class="lead">It works\. The code from “Pixel” was right\.<\/p>/);
    expect(await lastUsed(methodId)).toBeGreaterThan(before);

    await v.get(`/security-info/test?methodId=${methodId}`);
    const used = await v.post('/security-info/test', { methodId, code });
    expect(used.statusCode).toBe(422);
    expect(visibleText(used.body)).toContain('That code was already used. Wait for your app to show a new code, then type it. You can try 2 more times');
    await v.post('/security-info/test', { methodId, code: otherCode(code) });
    const last = await v.post('/security-info/test', { methodId, code: otherCode(code) });
    expect(visibleText(last.body)).toContain('That was the last try for now: wait 10 minutes before testing it again.');
    const limited = await v.post('/security-info/test', { methodId, code: otherCode(code) });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(visibleText(limited.body)).toContain('Too many tries. Wait 10 minutes, then test it again.');
    expect(limited.body).toMatch(/<input id="code"[^>]*aria-invalid="true"/);
    expect((await audit('method.tested')).map((e) => e.outcome)).toEqual(['failure', 'success', 'failure', 'failure', 'failure', 'denied']);
  });

  it('tests a phone: a button texts a code, the page says where it went, the typed code works', async () => {
    await start();
    const v = await signedIn();
    const account = await t!.accountOf(ALICE.username);
    const begun = await t!.app.methodRegistration.beginPhone({ account, phone: '+447700900123', name: '', client: CLIENT });
    await t!.deliverMail();
    expect(await t!.app.methodRegistration.finishPhone({ account, methodId: begun.methodId, code: fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!, client: CLIENT })).toEqual({ ok: true });

    const page = await v.get(`/security-info/test?methodId=${begun.methodId}`);
    expect(visibleText(page.body)).toContain('We will send a 6-digit code to •••• 0123.');
    expect(page.body).toContain('<form method="post" action="/security-info/test/send" novalidate>');
    expect(page.body).not.toContain('action="/security-info/test" ');
    const sent = await v.post('/security-info/test/send', { methodId: begun.methodId });
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.body).toMatch(/<div class="panel-notice" role="status">\s*<p>A code is on its way to •••• 0123\. It works for 10 minutes\.<\/p>/);
    expectLabelledControls(sent.body);
    expect(sent.body).toMatch(/<input id="code" name="code" type="text"/);
    expect(visibleText(sent.body)).toContain('Send a new code');
    await t!.deliverMail();
    const code = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    const wrong = await v.post('/security-info/test', { methodId: begun.methodId, code: otherCode(code) });
    expect(visibleText(wrong.body)).toContain('That code is not right. Check the latest message we sent to •••• 0123.');
    const works = await v.post('/security-info/test', { methodId: begun.methodId, code });
    expect(visibleText(works.body)).toContain('It works. The code reached you at •••• 0123.');
    await v.get(`/security-info/test?methodId=${begun.methodId}`);
    const spent = await v.post('/security-info/test', { methodId: begun.methodId, code });
    expect(visibleText(spent.body)).toContain('There is no code waiting for this test: it expired or was already used. Send a new code.');
  });

  it('tests an extra email address with a mailed code', async () => {
    await start();
    const v = await signedIn();
    const account = await t!.accountOf(ALICE.username);
    const address = 'alice.private@example.net';
    const begun = await t!.app.emailRegistration.begin({ account, email: address, client: CLIENT });
    await t!.deliverMail();
    const confirm = (await t!.mailsTo(address))[0]!.text.match(/\b(\d{6})\b/)![1]!;
    expect(await t!.app.emailRegistration.finish({ account, methodId: begun.methodId, code: confirm, client: CLIENT })).toEqual({ ok: true });

    const page = await v.get(`/security-info/test?methodId=${begun.methodId}`);
    expect(visibleText(page.body)).toContain('Email me a code');
    const sent = await v.post('/security-info/test/send', { methodId: begun.methodId });
    expect(visibleText(sent.body)).toContain('A code is on its way to a•••@example.net.');
    await t!.deliverMail();
    const mail = (await t!.mailsTo(address))[0]!;
    expect(mail.subject).toBe('Your code to test this email address for Demo Company');
    const works = await v.post('/security-info/test', { methodId: begun.methodId, code: mail.text.match(/\b(\d{6})\b/)![1]! });
    expect(works.statusCode).toBe(200);
    expect(visibleText(works.body)).toContain('It works. The code reached you at a•••@example.net.');
    expect(await lastUsed(begun.methodId)).toBeGreaterThan(0);
  });

  it('tests a passkey through the page’s script endpoints; without JavaScript the page says it is needed', async () => {
    await start();
    const v = await signedIn();
    // Added through the API with a session of its own; the portal session tests it.
    const api = (await t!.server.inject({ method: 'POST', url: '/api/v1/me/session', payload: { identifier: ALICE.username, password: ALICE.password } })).json() as { token: string };
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const creation = (await t!.server.inject({ method: 'POST', url: '/api/v1/me/passkeys/options', headers: { authorization: `Bearer ${api.token}` }, payload: { name: 'YubiKey' } })).json() as { challenge: string };
    const added = await t!.server.inject({ method: 'POST', url: '/api/v1/me/passkeys', headers: { authorization: `Bearer ${api.token}` }, payload: { response: authenticator.create(creation) } });
    const methodId = (added.json() as { methodId: string }).methodId;
    const before = await lastUsed(methodId);

    const page = await v.get(`/security-info/test?methodId=${methodId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/assets/passkeys.js" defer></script>');
    expect(page.body).toContain(`data-passkey="test" data-options="/security-info/test/passkey/options" data-finish="/security-info/test/passkey" data-method-id="${methodId}"`);
    expect(page.body).toContain('<p class="notice" data-passkey-nojs>Testing a passkey needs a browser with JavaScript turned on.');
    expect(page.body).toContain('<div role="status" tabindex="-1" data-passkey-status></div>');
    const csrf = /<input type="hidden" data-passkey-csrf value="([^"]+)">/.exec(page.body)![1]!;

    const postJson = (url: string, body: object, token = csrf): Promise<LightMyRequestResponse> => {
      const cookie = [...v.cookies].map(([name, c]) => `${name}=${encodeURIComponent(c.value)}`).join('; ');
      return t!.server.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', accept: 'application/json', 'csrf-token': token, cookie }, payload: JSON.stringify(body) });
    };
    expect((await postJson('/security-info/test/passkey/options', { methodId }, 'forged')).statusCode).toBe(403);
    const options = await postJson('/security-info/test/passkey/options', { methodId });
    expect(options.statusCode, options.body).toBe(200);
    const request = options.json() as { challenge: string; allowCredentials: Array<{ id: string }> };
    expect(request.allowCredentials.map((c) => c.id)).toEqual([authenticator.id]);
    const refused = await postJson('/security-info/test/passkey', { methodId, credential: authenticator.get(request, { origin: 'https://evil.example' }) });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { error: string }).error).toContain('The passkey did not answer as expected.');

    const fresh = (await postJson('/security-info/test/passkey/options', { methodId })).json() as { challenge: string };
    const works = await postJson('/security-info/test/passkey', { methodId, credential: authenticator.get(fresh) });
    expect(works.statusCode, works.body).toBe(200);
    expect(works.json()).toEqual({ status: 'It works. Your passkey “YubiKey” answered.' });
    expect(await lastUsed(methodId)).toBeGreaterThan(before);
    expect((await audit('method.tested')).map((e) => e.outcome)).toEqual(['failure', 'success']);
  });
});
