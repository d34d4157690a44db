import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWebhook, type FakeWebhook } from '../helpers/fake-sms-providers.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const PHONE = '+15551230001';

describe('SMS codes: phone numbers as a method, and as a second reset proof', () => {
  let primary: FakeWebhook;
  let backup: FakeWebhook;
  let t: TestApp | undefined;
  beforeAll(async () => {
    primary = await startFakeWebhook();
    backup = await startFakeWebhook();
  });
  afterAll(async () => {
    await primary?.close();
    await backup?.close();
  });
  beforeEach(() => {
    primary.behaviour = 'ok';
    backup.behaviour = 'ok';
    primary.received.length = 0;
    backup.received.length = 0;
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const smsConfig = (limits: Record<string, unknown> = {}) => ({
    providers: [
      { type: 'webhook' as const, name: 'primary', url: primary.url, timeoutMs: 2000 },
      { type: 'webhook' as const, name: 'backup', url: backup.url, timeoutMs: 2000 },
    ],
    limits,
  });
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token?: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = async () => ((await call('POST', '/api/v1/me/session', undefined, { identifier: 'alice', password: 'violet sandwich glacier' })).json() as { token: string }).token;
  const textedCode = async (to: string) => {
    await t!.deliverMail();
    const all = [...primary.received, ...backup.received].filter((m) => m.to === to);
    const code = all.at(-1)?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no SMS to ${to}`);
    return code;
  };
  const registerPhone = async (token: string, phone = PHONE) => {
    const begun = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone });
    expect(begun.statusCode, begun.body).toBe(201);
    const { methodId } = begun.json() as { methodId: string };
    const finished = await call('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: await textedCode(phone) });
    expect(finished.statusCode, finished.body).toBe(200);
    return methodId;
  };

  it('limits confirmation texts per account, whatever the numbers', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig(), rateLimits: { contact_register: { points: 1, durationSeconds: 3600 } } } });
    const token = await signIn();
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+15551230011' })).statusCode).toBe(201);
    const second = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+15551230012' });
    expect(second.statusCode).toBe(429);
    await t.deliverMail();
    expect([...primary.received, ...backup.received].some((m) => m.to === '+15551230012')).toBe(false);
  });

  it('adds a phone number once the texted code confirms it; audited and notified', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const token = await signIn();
    const begun = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+1 555-123-0001' });
    expect(begun.statusCode, begun.body).toBe(201);
    const body = begun.json() as { methodId: string; phone: string };
    expect(body.phone).toBe('•••• 0001');
    // Pending: not listed yet.
    expect((await call('GET', '/api/v1/me/methods', token)).json()).toMatchObject({ methods: [] });

    const code = await textedCode(PHONE);
    const sms = primary.received.at(-1)!;
    expect(sms.text).toContain('confirm this phone number');
    expect(sms.idempotencyKey).toBe(`sms_code:register:${body.methodId}`);
    const wrong = await call('POST', `/api/v1/me/methods/${body.methodId}/finish`, token, { code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
    const right = await call('POST', `/api/v1/me/methods/${body.methodId}/finish`, token, { code });
    expect(right.statusCode, right.body).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', token)).json()).toMatchObject({ methods: [{ kind: 'sms_code', name: 'Phone •••• 0001' }] });

    await t.deliverMail();
    const notices = await t.mailsTo('alice@example.com');
    expect(notices.some((m) => m.text.includes('Phone •••• 0001'))).toBe(true);
    const audit = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).execute();
    expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['method.registration_started', 'method.confirm_failed', 'method.added', 'notice.sent']));
    expect(JSON.stringify(audit)).not.toContain('5551230001');
    expect(JSON.stringify(audit)).not.toContain(code);
  });

  it('refuses the same number twice (409 method_exists, nothing texted), however it is typed', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const token = await signIn();
    await registerPhone(token);
    const sentBefore = primary.received.length;
    const again = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+1 (555) 123-0001' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ code: 'method_exists' });
    await t.deliverMail();
    expect(primary.received).toHaveLength(sentBefore);
    const audit = await t.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'details']).where('event', '=', 'method.registration_started').execute();
    expect(audit.filter((a) => a.outcome === 'denied').map((a) => JSON.parse(a.details) as { reason: string })).toMatchObject([{ reason: 'method_exists' }]);
    // Another number is still fine, and both are listed once each.
    await registerPhone(token, '+15551230002');
    expect(((await call('GET', '/api/v1/me/methods', token)).json() as { methods: unknown[] }).methods).toHaveLength(2);

    // Two pending attempts at one number cannot both count: only one number is pending at a time, and a
    // confirmation of a number that got registered meanwhile is refused.
    const third = (await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+15551230003' })).json() as { methodId: string };
    const code3 = await textedCode('+15551230003');
    await t.app.database.db.updateTable('methods').set({ data: JSON.stringify({ phone: PHONE }) }).where('id', '=', third.methodId).execute();
    const raced = await call('POST', `/api/v1/me/methods/${third.methodId}/finish`, token, { code: code3 });
    expect(raced.statusCode, raced.body).toBe(409);
    expect(raced.json()).toMatchObject({ code: 'method_exists' });
    expect(((await call('GET', '/api/v1/me/methods', token)).json() as { methods: unknown[] }).methods).toHaveLength(2);
  });

  it('asks a person whose only method is a phone for a texted code after the password', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const full = await signIn();
    const methodId = await registerPhone(full);
    const other = await registerPhone(full, '+15551230002');

    const started = await call('POST', '/api/v1/me/session', undefined, { identifier: 'alice', password: 'violet sandwich glacier' });
    expect(started.json()).toMatchObject({ next: 'verify_method', methods: ['sms_code'] });
    const token = (started.json() as { token: string }).token;
    // Half signed in: nothing to manage yet, and no code before one is asked for.
    expect((await call('GET', '/api/v1/me/methods', token)).statusCode).toBe(401);
    const early = await call('POST', '/api/v1/me/session/verify', token, { method: 'sms_code', code: '123456' });
    expect(early.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });

    expect((await call('POST', '/api/v1/me/session/sms', token, { methodId: 'nosuchmethod' })).statusCode).toBe(404);
    const sent = await call('POST', '/api/v1/me/session/sms', token, { methodId });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ phone: '•••• 0001' });
    const code = await textedCode(PHONE);
    expect(primary.received.at(-1)!.text).toContain('to sign in');
    expect(primary.received.filter((m) => m.to === '+15551230002')).toHaveLength(1); // only its registration

    // A wrong code counts and does not spend the texted one; the right one finishes the sign-in.
    const wrong = await call('POST', '/api/v1/me/session/verify', token, { method: 'sms_code', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 3 });
    const ok = await call('POST', '/api/v1/me/session/verify', token, { method: 'sms_code', code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', token)).statusCode).toBe(200);
    // Spent: the same code does not serve another session.
    const next = ((await call('POST', '/api/v1/me/session', undefined, { identifier: 'alice', password: 'violet sandwich glacier' })).json() as { token: string }).token;
    expect((await call('POST', '/api/v1/me/session/verify', next, { method: 'sms_code', code })).statusCode).toBe(422);
    // Without a methodId, the most recently added phone.
    expect((await call('POST', '/api/v1/me/session/sms', next, {})).json()).toMatchObject({ phone: '•••• 0002' });
    const bare = await call('POST', '/api/v1/me/session/sms', next);
    expect(bare.statusCode, bare.body).toBe(400); // a JSON body is required: {} or { methodId }
    expect(other).not.toBe(methodId);

    const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', 'in', ['signin.completed', 'signin.sms_sent', 'signin.proof_failed']).execute();
    expect(events.map((e) => e.event)).toEqual(['signin.completed', 'signin.proof_failed', 'signin.sms_sent', 'signin.proof_failed', 'signin.completed', 'signin.proof_failed', 'signin.sms_sent']);
    expect(JSON.stringify(events)).not.toContain('5551230001');
  });

  it('does not ask for a texted code when a stronger method is registered, nor without SMS providers', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const token = await signIn();
    await registerPhone(token);
    await call('POST', '/api/v1/me/methods', token, { kind: 'backup_code' });
    const started = (await call('POST', '/api/v1/me/session', undefined, { identifier: 'alice', password: 'violet sandwich glacier' })).json() as { token: string; methods: string[] };
    expect(started.methods).toEqual(['backup_code']);
    expect((await call('POST', '/api/v1/me/session/sms', started.token, {})).statusCode).toBe(404);
    expect((await call('POST', '/api/v1/me/session/verify', started.token, { method: 'sms_code', code: '123456' })).statusCode).toBe(422);
  });

  it('removes a pending number after 5 wrong codes, and refuses an expired code', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const token = await signIn();
    const { methodId } = (await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE })).json() as { methodId: string };
    const code = await textedCode(PHONE);
    const bad = code === '000000' ? '111111' : '000000';
    for (let i = 4; i >= 1; i--) expect((await call('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: bad })).json()).toMatchObject({ attemptsLeft: i });
    expect((await call('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: bad })).statusCode).toBe(410);
    // Gone: even the right code no longer works.
    expect((await call('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code })).statusCode).toBe(404);

    const again = (await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+15551230002' })).json() as { methodId: string };
    const fresh = await textedCode('+15551230002');
    t.clock.advance(601);
    expect((await call('POST', `/api/v1/me/methods/${again.methodId}/finish`, token, { code: fresh })).statusCode).toBe(422);
  });

  it('refuses malformed numbers, and answers the SMS limits with 429', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig({ perDestination: { points: 2, durationSeconds: 3600 } }) } });
    const token = await signIn();
    for (const phone of ['0171 1234567', '+0123456789', '12345', 'abc']) {
      expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone })).statusCode, phone).toBe(400);
    }
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code' })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: [PHONE] })).statusCode).toBe(400);
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE })).statusCode).toBe(201);
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE })).statusCode).toBe(201);
    const limited = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await t.deliverMail();
    expect(primary.received.filter((m) => m.to === PHONE)).toHaveLength(2);
  });

  it('without SMS providers, refuses the kind and never offers it', async () => {
    t = await startTestApp({ overrides: { policy: { default: { requiredMethods: 2 } } } });
    const token = await signIn();
    const refused = await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'invalid_request' });
    const flowId = ((await call('POST', '/api/v1/reset', undefined, { identifier: 'alice' })).json() as { flowId: string }).flowId;
    const view = (await call('GET', `/api/v1/reset/${flowId}`)).json() as { methods: Array<{ method: string }> };
    expect(view.methods.map((m) => m.method)).not.toContain('sms_code');
  });

  it('resets with the emailed code first and a texted code second under requiredMethods: 2, failing over between providers', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig(), policy: { default: { requiredMethods: 2 } } } });
    const methodId = await registerPhone(await signIn());

    const flowId = ((await call('POST', '/api/v1/reset', undefined, { identifier: 'alice' })).json() as { flowId: string }).flowId;
    // Before any proof, phones are neither offered nor textable.
    const before = (await call('GET', `/api/v1/reset/${flowId}`)).json() as { methods: Array<{ method: string }> };
    expect(before.methods.map((m) => m.method)).not.toContain('sms_code');
    expect((await call('POST', `/api/v1/reset/${flowId}/sms`, undefined, { methodId })).statusCode).toBe(409);

    const first = await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { code: await t.codeFor('alice@example.com') });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'sms_code', label: '•••• 0001', methodId }] });

    expect((await call('POST', `/api/v1/reset/${flowId}/sms`, undefined, { methodId: 'nosuchmethod' })).statusCode).toBe(404);
    primary.behaviour = 'error_500';
    const sent = await call('POST', `/api/v1/reset/${flowId}/sms`, undefined, { methodId });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(sent.json()).toMatchObject({ next: 'verify_second' });
    const code = await textedCode(PHONE);
    expect(backup.received.at(-1)!.text).toContain('reset your password');

    const wrong = await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { method: 'sms_code', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    const ok = await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { method: 'sms_code', code });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ next: 'set_password' });
    expect((await call('POST', `/api/v1/reset/${flowId}/password`, undefined, { password: 'amber quarry falcon 28' })).statusCode).toBe(200);

    const metrics = (await call('GET', '/metrics')).body;
    expect(metrics).toContain('unlatch_sms_attempts_total{provider="primary",outcome="transient_failure",reason="http_5xx"} 1');
    expect(metrics).toContain('unlatch_sms_attempts_total{provider="backup",outcome="sent",reason=""} 1');
    expect(metrics).not.toContain('5551230001');
    const events = (await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).execute());
    expect(events.filter((e) => e.event === 'reset.code_verified').map((e) => JSON.parse(e.details) as { method: string }).map((d) => d.method)).toEqual(['email_code', 'sms_code']);
  });

  it('answers a send refused by the SMS limits like a send, audits it, and retries when every provider fails', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig({ perDestination: { points: 2, durationSeconds: 3600 } }), policy: { default: { requiredMethods: 2 } } } });
    const methodId = await registerPhone(await signIn()); // 1 of 2 sends to this number
    const flowId = ((await call('POST', '/api/v1/reset', undefined, { identifier: 'alice' })).json() as { flowId: string }).flowId;
    await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { code: await t.codeFor('alice@example.com') });

    primary.behaviour = 'error_500';
    backup.behaviour = 'error_500';
    const sent = await call('POST', `/api/v1/reset/${flowId}/sms`, undefined, { methodId }); // 2 of 2
    const suppressed = await call('POST', `/api/v1/reset/${flowId}/sms`, undefined, { methodId });
    expect(suppressed.statusCode).toBe(sent.statusCode);
    expect(Object.keys(suppressed.json() as object)).toEqual(Object.keys(sent.json() as object));
    const audit = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'reset.send_suppressed').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ channel: 'sms', reason: 'rate_limited', limit: 'destination' });

    await t.app.worker.runOnce();
    const row = await t.app.database.db.selectFrom('outbox').selectAll().where('channel', '=', 'sms').where('flow_id', 'is not', null).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_error: 'sms_all_failed' });
    primary.behaviour = 'ok';
    t.clock.advance(5);
    await t.deliverMail();
    const after = await t.app.database.db.selectFrom('outbox').select(['status', 'payload']).where('idempotency_key', '=', row.idempotency_key).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'sent', payload: null });
    // Every attempt at the message carried the same idempotency key.
    const keys = new Set([...primary.received, ...backup.received].filter((m) => m.text.includes('reset')).map((m) => m.idempotencyKey));
    expect(keys.size).toBe(1);
  });

  it('gives up on a number a provider calls invalid', async () => {
    t = await startTestApp({ overrides: { sms: smsConfig() } });
    const token = await signIn();
    primary.behaviour = 'invalid_number';
    await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: PHONE });
    await t.deliverMail();
    const row = await t.app.database.db.selectFrom('outbox').select(['status', 'last_error', 'payload']).where('channel', '=', 'sms').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'dead', last_error: 'sms_invalid_number', payload: null });
    expect(backup.received).toHaveLength(0);
  });
});
