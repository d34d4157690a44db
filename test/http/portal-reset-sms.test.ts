import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, STRONG_PASSWORD, wrongCode } from './api-client.js';
import { PortalVisitor, visibleText, expectLabelledControls } from './portal-forms.js';

const PHONE_1 = '+15551230001';
const PHONE_2 = '+15551230002';


describe('portal: a texted code as the second proof of a reset', () => {
  let sms: FakeWebhook;
  let t: TestApp | undefined;
  beforeAll(async () => {
    sms = await startFakeWebhook();
  });
  afterAll(async () => {
    await sms?.close();
  });
  beforeEach(() => {
    sms.behaviour = 'ok';
    sms.received.length = 0;
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const call = (method: 'POST', url: string, token?: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const textedCode = async (to: string) => {
    await t!.deliverMail();
    const code = sms.received.filter((m) => m.to === to).at(-1)?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no SMS to ${to}`);
    return code;
  };
  const registerPhone = async (token: string, phone: string) => {
    const begun = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone });
    expect(begun.statusCode, begun.body).toBe(201);
    const { methodId } = begun.json() as { methodId: string };
    const finished = await call('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: await textedCode(phone) });
    expect(finished.statusCode, finished.body).toBe(200);
    return methodId;
  };

  it('emailed code first, then a code texted to one of two phones, then the new password', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: sms.url, timeoutMs: 2000 }] }, policy: { default: { requiredMethods: 2 } } } });
    const token = ((await call('POST', '/api/v1/me/session', undefined, { identifier: ALICE.username, password: ALICE.password })).json() as { token: string }).token;
    const first = await registerPhone(token, PHONE_1);
    const second = await registerPhone(token, PHONE_2);
    sms.received.length = 0;

    const v = new PortalVisitor(t);
    await v.get('/reset');
    const started = await v.post('/reset', { identifier: ALICE.username });
    expect(started.headers.location).toBe('/reset/code');
    await v.follow(started);
    const proven = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect(proven.statusCode, proven.body).toBe(303);
    expect(proven.headers.location).toBe('/reset/second');

    const page = await v.follow(proven);
    expect(page.statusCode).toBe(200);
    expectLabelledControls(page.body);
    const text = visibleText(page.body);
    expect(text).toContain('Get a code by text message');
    expect(text).toContain('Text a code to •••• 0001');
    expect(text).toContain('Text a code to •••• 0002');
    // One button per phone, each its own CSRF-protected form; one radio button for the texted code.
    expect(page.body.match(/<form method="post" action="\/reset\/second\/sms">/g)).toHaveLength(2);
    expect(page.body).toContain(`<input type="hidden" name="methodId" value="${first}">`);
    expect(page.body).toContain(`<input type="hidden" name="methodId" value="${second}">`);
    expect(page.body.match(/type="radio"/g)).toHaveLength(1);
    expect(page.body).toContain('<label for="method-sms_code"><input type="radio" id="method-sms_code" name="method" value="sms_code" checked>');
    expect(text).toContain('A texted code has 6 digits.');
    expect(page.body).not.toContain('5551230001');
    expect(sms.received).toHaveLength(0); // nothing is texted until asked for

    // Without the CSRF token, or with an id that is not one of hers, nothing is sent.
    const forged = await t.server.inject({ method: 'POST', url: '/reset/second/sms', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, payload: `methodId=${second}` });
    expect(forged.statusCode).toBeGreaterThanOrEqual(400);
    expect((await v.post('/reset/second/sms', { methodId: 'nosuchmethod' })).statusCode).toBe(404);
    await v.get('/reset/second');

    const asked = await v.post('/reset/second/sms', { methodId: second });
    expect(asked.statusCode, asked.body).toBe(303);
    expect(asked.headers.location).toBe(`/reset/second?sent=${second}`);
    const sent = await v.follow(asked);
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('role="status"');
    expect(visibleText(sent.body)).toContain('a code is on its way to •••• 0002');
    expect(sent.body).toContain('value="sms_code" checked');
    const code = await textedCode(PHONE_2);
    expect(sms.received.filter((m) => m.to === PHONE_1)).toHaveLength(0);

    const typo = await v.post('/reset/second', { method: 'sms_code', code: '12' });
    expect(typo.statusCode).toBe(422);
    expect(visibleText(typo.body)).toContain('Enter the code as 6 digits');
    const wrong = await v.post('/reset/second', { method: 'sms_code', code: wrongCode(code) });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('Check the latest text message');
    expect(visibleText(wrong.body)).toMatch(/You have \d+ attempts? left/);
    const verified = await v.post('/reset/second', { method: 'sms_code', code });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');

    expect((await v.get('/reset/password')).statusCode).toBe(200);
    const done = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/reset/done');
    const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'reset.code_verified').execute();
    expect(events.map((e) => (JSON.parse(e.details) as { method: string }).method)).toEqual(['email_code', 'sms_code']);
  });
});
