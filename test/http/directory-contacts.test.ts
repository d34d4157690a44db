import { afterEach, describe, expect, it } from 'vitest';
import { useFakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postJson, startReset } from './api-client.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-contacts' };

describe('contact data from the directory, as far as the policy trusts it', () => {
  const fake = useFakeWebhook();
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const withPolicy = (policy: Record<string, unknown>) =>
    startTestApp({ overrides: { sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] }, policy: { default: { requiredMethods: 2, ...policy } } } });
  /** A directory entry with a desk-style phone number, as HR keeps it. */
  const addErin = async () => {
    const hash = await t!.app.hasher.hash('plover estuary lantern 51');
    await t!.app.users.insert({ tenantId: 'demo', username: 'erin', email: 'erin@example.com', phone: '+44 7700 900555', groups: [], passwordHash: hash }, t!.clock.now());
  };
  const firstProof = async () => {
    const flowId = await startReset(t!, 'erin');
    const res = await postJson(t!, `/api/v1/reset/${flowId}/verify`, { code: await t!.codeFor('erin@example.com') });
    return { flowId, body: res.json() as { next: string; methods: Array<{ method: string; label: string; methodId?: string }> } };
  };

  it('directoryPhone: the directory number is offered for the second proof and proves it by a texted code', async () => {
    t = await withPolicy({ directoryPhone: true });
    await addErin();
    const { flowId, body } = await firstProof();
    expect(body.next).toBe('verify_second');
    const choice = body.methods.find((m) => m.method === 'sms_code');
    expect(choice).toEqual({ method: 'sms_code', label: '•••• 0555', methodId: 'directory-phone' });

    expect((await postJson(t, `/api/v1/reset/${flowId}/sms`, { methodId: 'directory-phone' })).statusCode).toBe(202);
    await t.deliverMail();
    const text = fake.sms.received.find((m) => m.to === '+447700900555');
    const code = text?.text.match(/\b(\d{6})\b/)?.[1];
    expect(code).toBeDefined();
    const second = await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'sms_code', code: code! });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json()).toMatchObject({ next: 'set_password' });
  });

  it('without directoryPhone (the default) the directory number is neither offered nor texted', async () => {
    t = await withPolicy({});
    await addErin();
    const { flowId, body } = await firstProof();
    expect(body.methods.some((m) => m.method === 'sms_code')).toBe(false);
    expect((await postJson(t, `/api/v1/reset/${flowId}/sms`, { methodId: 'directory-phone' })).statusCode).toBe(404);
    await t.deliverMail();
    expect(fake.sms.received).toHaveLength(0);
  });

  it('directoryEmail: false — only confirmed extra addresses get codes; without one the account gets a decoy', async () => {
    t = await withPolicy({ directoryEmail: false, requiredMethods: 1 });
    await addErin();
    await startReset(t, 'erin');
    await t.deliverMail();
    expect(await t.mailsTo('erin@example.com')).toHaveLength(0);

    const account = await t.accountOf('erin');
    const begun = await t.app.emailRegistration.begin({ account, email: 'erin.home@example.net', client });
    await t.deliverMail();
    const confirm = (await t.mailsTo('erin.home@example.net'))[0]!.text.match(/\b(\d{6})\b/)![1]!;
    expect((await t.app.emailRegistration.finish({ account, methodId: begun.methodId, code: confirm, client })).ok).toBe(true);

    const flowId = await startReset(t, 'erin');
    const code = await t.codeFor('erin.home@example.net');
    expect((await t.mailsTo('erin@example.com')).some((m) => /reset code/.test(m.subject))).toBe(false);
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code })).statusCode).toBe(200);
  });
});
