import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

describe('portal: adding a phone number on the security info pages', () => {
  let sms: FakeWebhook;
  let t: TestApp | undefined;
  beforeAll(async () => {
    sms = await startFakeWebhook();
  });
  afterAll(async () => {
    await sms?.close();
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const signIn = async (v: PortalVisitor) => {
    await v.get('/security-info/sign-in');
    await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
  };

  it('texts a code to the number and adds it once the code is typed', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: sms.url, timeoutMs: 2000 }] } } });
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.get('/security-info')).body).toContain('href="/security-info/phone"');
    await v.get('/security-info/phone');
    const malformed = await v.post('/security-info/phone', { phone: '07700 900123' });
    expect(malformed.statusCode).toBe(422);
    expect(visibleText(malformed.body)).toContain('country code');

    const begun = await v.post('/security-info/phone', { phone: '+44 7700 900123' });
    expect(begun.statusCode, begun.body).toBe(200);
    expect(visibleText(begun.body)).toContain('•••• 0123');
    const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
    await t.deliverMail();
    const code = sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    const wrong = await v.post('/security-info/phone/confirm', { methodId, masked: '•••• 0123', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('4 more times');
    const done = await v.post('/security-info/phone/confirm', { methodId, masked: '•••• 0123', code });
    expect(done.headers.location).toBe('/security-info?done=added');
    expect(visibleText((await v.follow(done)).body)).toContain('Phone •••• 0123');
  });

  it('offers no phone without SMS providers', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.get('/security-info')).body).not.toContain('/security-info/phone');
    expect((await v.get('/security-info/phone')).statusCode).toBe(404);
  });
});
