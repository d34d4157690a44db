import { afterEach, describe, expect, it } from 'vitest';
import { useFakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { expectLabelledControls, PortalVisitor, visibleText } from './portal-forms.js';

describe('portal: adding a phone number on the security info pages', () => {
  const fake = useFakeWebhook();
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const signIn = async (v: PortalVisitor) => {
    await v.get('/security-info/sign-in');
    await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
  };

  it('texts a code to the number and adds it once the code is typed', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] } } });
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
    const code = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    const wrong = await v.post('/security-info/phone/confirm', { methodId, masked: '•••• 0123', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('4 more times');
    const done = await v.post('/security-info/phone/confirm', { methodId, masked: '•••• 0123', code });
    expect(done.headers.location).toBe('/security-info?done=added');
    expect(visibleText((await v.follow(done)).body)).toContain('Phone •••• 0123');
  });

  it('says so when the number is already in the security info, and texts nothing', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] } } });
    const v = new PortalVisitor(t);
    await signIn(v);
    await v.get('/security-info/phone');
    const begun = await v.post('/security-info/phone', { phone: '+44 7700 900124' });
    const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
    await t.deliverMail();
    const code = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    expect((await v.post('/security-info/phone/confirm', { methodId, masked: '•••• 0124', code })).headers.location).toBe('/security-info?done=added');

    const sent = fake.sms.received.length;
    await v.get('/security-info/phone');
    const twice = await v.post('/security-info/phone', { phone: '+447700900124' });
    expect(twice.statusCode).toBe(409);
    expect(visibleText(twice.body)).toContain('This number is already in your security info.');
    expect(twice.body).toMatch(/<input[^>]*id="phone"[^>]*aria-invalid="true"/);
    await t.deliverMail();
    expect(fake.sms.received).toHaveLength(sent);
  });

  it('asks for a texted code after the password when a phone is the only method', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] } } });
    const first = new PortalVisitor(t);
    await signIn(first);
    await first.get('/security-info/phone');
    const begun = await first.post('/security-info/phone', { phone: '+44 7700 900125' });
    const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
    await t.deliverMail();
    const confirm = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    await first.post('/security-info/phone/confirm', { methodId, masked: '•••• 0125', code: confirm });

    const v = new PortalVisitor(t);
    await v.get('/security-info/sign-in');
    const signedIn = await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
    expect(signedIn.headers.location).toBe('/security-info/verify');
    const page = await v.follow(signedIn);
    expect(visibleText(page.body)).toContain('Get a code by text message');
    expect(page.body).toContain('<form method="post" action="/security-info/verify/sms">');
    expect(page.body).toContain('value="sms_code" checked');
    expect(visibleText(page.body)).toContain('The 6 digits from the text message.');
    expect((await v.get('/security-info')).statusCode).toBe(303); // not signed in yet
    await v.get('/security-info/verify');

    const asked = await v.post('/security-info/verify/sms', {});
    expect(asked.statusCode, asked.body).toBe(303);
    expect(asked.headers.location).toBe('/security-info/verify?sent=0125');
    const sent = await v.follow(asked);
    expect(sent.body).toContain('role="status"');
    expect(visibleText(sent.body)).toContain('A code is on its way to •••• 0125');
    await t.deliverMail();
    const code = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
    expect(fake.sms.received.at(-1)!.text).toContain('to sign in');

    const wrong = await v.post('/security-info/verify', { method: 'sms_code', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('Check the latest text message. You have 4 attempts left.');
    const done = await v.post('/security-info/verify', { method: 'sms_code', code });
    expect(done.headers.location).toBe('/security-info');
    expect(visibleText((await v.follow(done)).body)).toContain('Phone •••• 0125');
  });

  it('with two phones, lets the person choose which one gets the sign-in code', async () => {
    t = await startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] } } });
    const first = new PortalVisitor(t);
    await signIn(first);
    for (const [number, masked] of [['+44 7700 900131', '•••• 0131'], ['+44 7700 900132', '•••• 0132']] as const) {
      await first.get('/security-info/phone');
      const begun = await first.post('/security-info/phone', { phone: number });
      const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
      await t.deliverMail();
      const confirm = fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
      expect((await first.post('/security-info/phone/confirm', { methodId, masked, code: confirm })).headers.location).toBe('/security-info?done=added');
    }

    const v = new PortalVisitor(t);
    await signIn(v);
    const page = await v.get('/security-info/verify');
    expectLabelledControls(page.body);
    expect(visibleText(page.body)).toContain('Which phone should get the code?');
    // The newest is preselected; the older one can be chosen.
    expect(page.body).toMatch(/name="methodId" value="[^"]+" checked> <span>•••• 0132/);
    const older = /name="methodId" value="([^"]+)"> <span>•••• 0131/.exec(page.body)![1]!;
    const asked = await v.post('/security-info/verify/sms', { methodId: older });
    expect(asked.headers.location).toBe('/security-info/verify?sent=0131');
    await t.deliverMail();
    expect(fake.sms.received.at(-1)!.to).toBe('+447700900131');
    // Someone else's or a made-up method id is not a phone of this person.
    expect((await v.post('/security-info/verify/sms', { methodId: 'nosuchmethod' })).statusCode).toBe(404);
  });

  it('offers no phone without SMS providers', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.get('/security-info')).body).not.toContain('/security-info/phone');
    expect((await v.get('/security-info/phone')).statusCode).toBe(404);
  });
});
