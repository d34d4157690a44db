import { afterEach, describe, expect, it } from 'vitest';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { useFakeWebhook } from '../helpers/fake-sms-providers.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { RawConfig } from '../../src/config/schema.js';
import { ALICE, BOB } from './api-client.js';

const ORIGIN = 'https://reset.example.org';
const RP_ID = 'reset.example.org';
// Test codes and passkey challenges live in the challenge store: the same suite on both databases.
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

interface Summary {
  id: string;
  kind: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}
interface Problem {
  code: string;
  attemptsLeft?: number;
  retryAfterSeconds?: number;
}

describe.each(databases)('JSON API: renaming and testing methods (%s)', (database) => {
  const fake = useFakeWebhook();
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async (overrides: RawConfig = {}) => {
    t = await startTestApp({ database, overrides: { publicUrl: ORIGIN, sms: { providers: [{ type: 'webhook', url: fake.sms.url, timeoutMs: 2000 }] }, ...overrides } });
    return t;
  };
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = async (user: { username: string; password: string }) => {
    const session = (await call('POST', '/api/v1/me/session', undefined, { identifier: user.username, password: user.password })).json() as { token: string; next: string };
    expect(session.next).toBe('done');
    return session.token;
  };
  const now = () => t!.clock.now().getTime();
  const addApp = async (token: string, name: string) => {
    const begun = (await call('POST', '/api/v1/me/methods', token, { kind: 'totp', name })).json() as { methodId: string; secret: string };
    expect((await call('POST', `/api/v1/me/methods/${begun.methodId}/finish`, token, { code: totpAt(begun.secret, now()) })).statusCode).toBe(200);
    return begun;
  };
  const listed = async (token: string) => ((await call('GET', '/api/v1/me/methods', token)).json() as { methods: Summary[] }).methods;
  const methodOf = async (token: string, id: string) => (await listed(token)).find((m) => m.id === id)!;
  const testBegin = (token: string, id: string) => call('POST', `/api/v1/me/methods/${id}/test`, token);
  const testFinish = (token: string, id: string, body: object) => call('POST', `/api/v1/me/methods/${id}/test/finish`, token, body);
  const audit = async (event: string) =>
    (await t!.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'details']).where('event', '=', event).orderBy('seq').execute()).map((e) => ({
      outcome: e.outcome,
      details: JSON.parse(e.details) as Record<string, unknown>,
    }));
  const noticesTo = async (address: string) => {
    await t!.deliverMail();
    return (await t!.mailsTo(address)).filter((m) => /security info changed/i.test(m.subject)).length;
  };
  const lastSmsCode = async () => {
    await t!.deliverMail();
    return fake.sms.received.at(-1)!.text.match(/\b(\d{6})\b/)![1]!;
  };
  const otherCode = (code: string) => (code === '000000' ? '111111' : '000000');

  it('renames a method: cleaned as at creation, listed, audited without the names, no notice mailed', async () => {
    await start();
    const token = await signIn(ALICE);
    const { methodId } = await addApp(token, 'Pixel');
    const notices = await noticesTo(ALICE.email);

    const renamed = await call('PATCH', `/api/v1/me/methods/${methodId}`, token, { name: '  Ｗｏｒｋ\u0007 phone  ' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ id: methodId, kind: 'totp', name: 'Work phone', lastUsedAt: expect.any(String) });
    expect((await methodOf(token, methodId)).name).toBe('Work phone');
    // 64 characters are kept whole, an emoji at the end included (code points, not UTF-16 halves).
    const long = `${'a'.repeat(63)}📱`;
    expect((await call('PATCH', `/api/v1/me/methods/${methodId}`, token, { name: long })).json()).toMatchObject({ name: long });
    expect((await call('PATCH', `/api/v1/me/methods/${methodId}`, token, { name: 'a'.repeat(65) })).statusCode).toBe(400);
    const empty = await call('PATCH', `/api/v1/me/methods/${methodId}`, token, { name: ' \u0007 ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'invalid_request', detail: 'Check the field "name".' });
    expect((await call('PATCH', `/api/v1/me/methods/${methodId}`, token, { name: ['x'] })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/v1/me/methods/${methodId}`, token, {})).statusCode).toBe(400);
    expect((await methodOf(token, methodId)).name).toBe(long);

    const entries = await audit('method.renamed');
    expect(entries).toEqual([
      { outcome: 'success', details: { kind: 'totp', methodId } },
      { outcome: 'success', details: { kind: 'totp', methodId } },
    ]);
    expect(await noticesTo(ALICE.email)).toBe(notices);
    expect((await call('PATCH', `/api/v1/me/methods/${methodId}`, undefined, { name: 'x' })).statusCode).toBe(401);
  });

  it('does not rename backup codes or security questions, nor anyone else’s method (404)', async () => {
    await start();
    const token = await signIn(ALICE);
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'backup_code' })).statusCode).toBe(201);
    const set = await call('PATCH', '/api/v1/me/methods/backup_codes', token, { name: 'Mine' });
    expect(set.statusCode).toBe(400);
    expect(set.json()).toMatchObject({ code: 'invalid_request' });
    const account = await t!.accountOf(ALICE.username);
    const repo = new SqlMethodRepository(t!.app.database.db, new Sealer(t!.app.keys, 'totp-seal'));
    const oneCode = (await repo.listForSubject(account.tenantId, account.id)).find((m) => m.kind === 'backup_code')!;
    expect((await call('PATCH', `/api/v1/me/methods/${oneCode.id}`, token, { name: 'Mine' })).statusCode).toBe(400);
    const questions = await repo.add({ tenantId: account.tenantId, subjectId: account.id, kind: 'questions', name: 'Security questions', data: { questions: [] }, confirmed: true }, t!.clock.now());
    expect((await call('PATCH', `/api/v1/me/methods/${questions}`, token, { name: 'Mine' })).statusCode).toBe(400);
    expect((await repo.get(account.tenantId, questions))?.name).toBe('Security questions');

    const bob = await signIn(BOB);
    const bobs = await addApp(bob, 'Bob’s phone');
    const foreign = await call('PATCH', `/api/v1/me/methods/${bobs.methodId}`, token, { name: 'Mine now' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'not_found' });
    expect((await testBegin(token, bobs.methodId)).statusCode).toBe(404);
    expect((await testFinish(token, bobs.methodId, { code: totpAt(bobs.secret, now()) })).statusCode).toBe(404);
    expect((await call('PATCH', '/api/v1/me/methods/no-such-method', token, { name: 'x' })).statusCode).toBe(404);
    expect((await methodOf(bob, bobs.methodId)).name).toBe('Bob’s phone');
    expect(await audit('method.renamed')).toEqual([]);
  });

  it('tests an authenticator app: that app’s current code works and is spent, a wrong or replayed one says so', async () => {
    await start();
    const token = await signIn(ALICE);
    const pixel = await addApp(token, 'Pixel');
    t!.clock.advance(30);
    const other = await addApp(token, 'Tablet');
    const before = (await methodOf(token, pixel.methodId)).lastUsedAt!;
    const notices = await noticesTo(ALICE.email);
    t!.clock.advance(60);

    const begun = await testBegin(token, pixel.methodId);
    expect(begun.statusCode, begun.body).toBe(200);
    expect(begun.json()).toEqual({ next: 'code', kind: 'totp' });
    // Only THAT app: the other app's current code is wrong here.
    const wrongApp = await testFinish(token, pixel.methodId, { code: totpAt(other.secret, now()) });
    expect(wrongApp.statusCode).toBe(422);
    expect(wrongApp.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
    const code = totpAt(pixel.secret, now());
    const works = await testFinish(token, pixel.methodId, { code });
    expect(works.statusCode, works.body).toBe(200);
    expect(works.json()).toEqual({ status: 'works' });
    expect(new Date((await methodOf(token, pixel.methodId)).lastUsedAt!).getTime()).toBeGreaterThan(new Date(before).getTime());
    const replayed = await testFinish(token, pixel.methodId, { code });
    expect(replayed.statusCode).toBe(422);
    expect(replayed.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 2 });
    // The step is spent for everything: the same code cannot finish a sign-in either.
    const again = (await call('POST', '/api/v1/me/session', undefined, { identifier: ALICE.username, password: ALICE.password })).json() as { token: string };
    expect((await call('POST', '/api/v1/me/session/verify', again.token, { method: 'totp', code })).statusCode).toBe(422);
    expect((await testFinish(token, pixel.methodId, { credential: {} })).statusCode).toBe(400);

    expect((await audit('method.tested')).map((e) => [e.outcome, e.details.reason ?? null, e.details.methodId])).toEqual([
      ['failure', 'wrong', pixel.methodId],
      ['success', null, pixel.methodId],
      ['failure', 'replayed', pixel.methodId],
    ]);
    const logged = JSON.stringify(await t!.app.database.db.selectFrom('audit_log').selectAll().execute());
    expect(logged).not.toContain(code);
    // Nothing changed, so nobody is told.
    expect(await noticesTo(ALICE.email)).toBe(notices);
  });

  it('counts every test of a method: after 5 in 10 minutes, 429 with Retry-After even for a right code; other methods count on their own', async () => {
    await start();
    const token = await signIn(ALICE);
    const pixel = await addApp(token, 'Pixel');
    t!.clock.advance(30);
    const tablet = await addApp(token, 'Tablet');
    t!.clock.advance(60);
    const left: Array<number | undefined> = [];
    for (let i = 0; i < 5; i++) {
      const wrong = await testFinish(token, pixel.methodId, { code: otherCode(totpAt(pixel.secret, now())) });
      expect(wrong.statusCode).toBe(422);
      left.push((wrong.json() as Problem).attemptsLeft);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
    const limited = await testFinish(token, pixel.methodId, { code: totpAt(pixel.secret, now()) });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(500);
    // The right code was not even checked: its step is still unspent.
    const session = (await call('POST', '/api/v1/me/session', undefined, { identifier: ALICE.username, password: ALICE.password })).json() as { token: string };
    expect((await call('POST', '/api/v1/me/session/verify', session.token, { method: 'totp', code: totpAt(pixel.secret, now()) })).statusCode).toBe(200);
    expect((await audit('method.tested')).at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'rate_limited', methodId: pixel.methodId } });

    const tabletWrong = await testFinish(token, tablet.methodId, { code: otherCode(totpAt(tablet.secret, now())) });
    expect(tabletWrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
  });

  it('tests a phone: texts a 6-digit code (worded as a test) that works once, and respects the SMS limits', async () => {
    await start();
    const token = await signIn(ALICE);
    const begunPhone = (await call('POST', '/api/v1/me/methods', token, { kind: 'sms_code', phone: '+447700900123' })).json() as { methodId: string };
    expect((await call('POST', `/api/v1/me/methods/${begunPhone.methodId}/finish`, token, { code: await lastSmsCode() })).statusCode).toBe(200);
    const phoneId = begunPhone.methodId;
    const before = (await methodOf(token, phoneId)).lastUsedAt!;
    t!.clock.advance(60);

    // No code sent yet: nothing to match.
    const early = await testFinish(token, phoneId, { code: '123456' });
    expect(early.statusCode).toBe(422);
    const begun = await testBegin(token, phoneId);
    expect(begun.statusCode, begun.body).toBe(200);
    expect(begun.json()).toMatchObject({ next: 'code', kind: 'sms_code', sentTo: '•••• 0123', expiresAt: expect.any(String) });
    const code = await lastSmsCode();
    expect(fake.sms.received.at(-1)).toMatchObject({ to: '+447700900123' });
    expect(fake.sms.received.at(-1)!.text).toContain('to test this phone number');
    const wrong = await testFinish(token, phoneId, { code: otherCode(code) });
    expect(wrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 3 });
    // A wrong try leaves the code in place; the right one works, once.
    expect((await testFinish(token, phoneId, { code })).json()).toEqual({ status: 'works' });
    expect((await testFinish(token, phoneId, { code })).statusCode).toBe(422);
    expect(new Date((await methodOf(token, phoneId)).lastUsedAt!).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect((await audit('method.tested')).map((e) => [e.outcome, e.details.reason ?? null])).toEqual([
      ['failure', 'no_code'],
      ['failure', 'wrong'],
      ['success', null],
      ['failure', 'no_code'],
    ]);
    expect(await audit('method.test_started')).toEqual([{ outcome: 'success', details: { kind: 'sms_code', methodId: phoneId, sentTo: '•••• 0123' } }]);

    // Three texts per number per hour by default: registration, this test, one more — then 429, nothing sent.
    expect((await testBegin(token, phoneId)).statusCode).toBe(200);
    await t!.deliverMail();
    const sent = fake.sms.requestCount();
    const limited = await testBegin(token, phoneId);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    await t!.deliverMail();
    expect(fake.sms.requestCount()).toBe(sent);
    expect((await audit('method.test_started')).at(-1)).toMatchObject({ outcome: 'denied', details: { reason: 'rate_limited', limit: 'destination' } });
  });

  it('tests an extra email address: mails a code worded as a test, within the send_destination limit', async () => {
    await start({ rateLimits: { send_destination: { points: 2, durationSeconds: 3600 } } });
    const token = await signIn(ALICE);
    const address = 'alice.private@example.net';
    const begunAddress = (await call('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: address })).json() as { methodId: string };
    await t!.deliverMail();
    const confirm = (await t!.mailsTo(address)).find((m) => /Confirm your email address/.test(m.subject))!.text.match(/\b(\d{6})\b/)![1]!;
    expect((await call('POST', `/api/v1/me/methods/${begunAddress.methodId}/finish`, token, { code: confirm })).statusCode).toBe(200);
    const addressId = begunAddress.methodId;

    const begun = await testBegin(token, addressId);
    expect(begun.statusCode, begun.body).toBe(200);
    expect(begun.json()).toMatchObject({ next: 'code', kind: 'email_code', sentTo: 'a•••@example.net' });
    await t!.deliverMail();
    const mail = (await t!.mailsTo(address))[0]!;
    expect(mail.subject).toContain('test this email address');
    const code = mail.text.match(/\b(\d{6})\b/)![1]!;
    // The code is bound to the session that asked for it: another session of the same person cannot use it.
    const other = await signIn(ALICE);
    expect((await testFinish(other, addressId, { code })).json()).toMatchObject({ code: 'code_invalid' });
    expect((await testFinish(token, addressId, { code })).json()).toEqual({ status: 'works' });
    expect((await methodOf(token, addressId)).lastUsedAt).not.toBeNull();
    expect(await audit('method.tested')).toEqual([
      { outcome: 'failure', details: { kind: 'email_code', methodId: addressId, reason: 'no_code' } },
      { outcome: 'success', details: { kind: 'email_code', methodId: addressId } },
    ]);

    const limited = await testBegin(token, addressId);
    expect(limited.statusCode).toBe(429);
    expect((await audit('method.test_started')).at(-1)).toMatchObject({ outcome: 'denied', details: { limit: 'send_destination' } });
  });

  it('tests a passkey with a ceremony that allows only that passkey; another passkey’s answer does not count', async () => {
    await start();
    const token = await signIn(ALICE);
    const register = async (name: string) => {
      const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
      const options = (await call('POST', '/api/v1/me/passkeys/options', token, { name })).json() as { challenge: string };
      const added = await call('POST', '/api/v1/me/passkeys', token, { response: authenticator.create(options) });
      expect(added.statusCode, added.body).toBe(201);
      return { authenticator, methodId: (added.json() as { methodId: string }).methodId };
    };
    const yubikey = await register('YubiKey');
    const laptop = await register('Laptop');
    const before = (await methodOf(token, yubikey.methodId)).lastUsedAt;

    const begin = async () => {
      const begun = await testBegin(token, yubikey.methodId);
      expect(begun.statusCode, begun.body).toBe(200);
      const body = begun.json() as { next: string; kind: string; options: { challenge: string; allowCredentials: Array<{ id: string }>; rpId: string } };
      expect(body).toMatchObject({ next: 'passkey', kind: 'webauthn' });
      return body.options;
    };
    const options = await begin();
    expect(options.allowCredentials.map((c) => c.id)).toEqual([yubikey.authenticator.id]);
    expect(options.rpId).toBe(RP_ID);
    const wrong = await testFinish(token, yubikey.methodId, { credential: laptop.authenticator.get(options) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
    // That answer spent the challenge: even the right passkey needs a new one.
    expect((await testFinish(token, yubikey.methodId, { credential: yubikey.authenticator.get(options) })).statusCode).toBe(422);
    expect((await testFinish(token, yubikey.methodId, { code: '123456' })).statusCode).toBe(400);

    const works = await testFinish(token, yubikey.methodId, { credential: yubikey.authenticator.get(await begin()) });
    expect(works.statusCode, works.body).toBe(200);
    expect(works.json()).toEqual({ status: 'works' });
    expect((await methodOf(token, yubikey.methodId)).lastUsedAt).not.toBe(before);
    expect((await audit('method.tested')).map((e) => [e.outcome, e.details.reason ?? null])).toEqual([
      ['failure', 'other_credential'],
      ['failure', 'challenge'],
      ['success', null],
    ]);
  });

  it('has no test for backup codes (a test would spend one)', async () => {
    await start();
    const token = await signIn(ALICE);
    expect((await call('POST', '/api/v1/me/methods', token, { kind: 'backup_code' })).statusCode).toBe(201);
    for (const res of [await testBegin(token, 'backup_codes'), await testFinish(token, 'backup_codes', { code: 'ABCDEF-GHJKMN' })]) {
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'invalid_request' });
    }
    expect((await testBegin(token, 'no-such-method')).statusCode).toBe(404);
    expect(await audit('method.tested')).toEqual([]);
  });
});
