import { afterEach, describe, expect, it } from 'vitest';
import { hashHandle } from '../../src/core/crypto/secrets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, getJson, postJson, startReset } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const PRIVATE = 'Alice.Private@Example.ORG';
const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-emails' };

describe('extra email addresses: added on the security info page, confirmed by a mailed code, then sent reset codes', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const signIn = async (v: PortalVisitor, user: { username: string; password: string } = ALICE) => {
    await v.get('/security-info/sign-in');
    await v.post('/security-info/sign-in', { identifier: user.username, password: user.password });
  };
  const codeMailedTo = async (address: string) => {
    await t!.deliverMail();
    const mail = (await t!.mailsTo(address)).find((m) => /Confirm your email address/.test(m.subject));
    const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
    if (!code) throw new Error(`no confirmation mail to ${address}`);
    return code;
  };
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } });
  const sessionOf = async (user: { username: string; password: string }) =>
    ((await postJson(t!, '/api/v1/me/session', { identifier: user.username, password: user.password })).json() as { token: string }).token;

  it('portal: adds an address after its code; reset codes and links then go to both addresses', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.get('/security-info')).body).toContain('href="/security-info/email"');
    await v.get('/security-info/email');
    const malformed = await v.post('/security-info/email', { email: 'not an address' });
    expect(malformed.statusCode).toBe(422);
    expect(visibleText(malformed.body)).toContain('Enter an email address like name@example.org.');
    expect(malformed.body).toMatch(/aria-describedby="[^"]*email-error/);

    const begun = await v.post('/security-info/email', { email: PRIVATE });
    expect(begun.statusCode, begun.body).toBe(200);
    expect(visibleText(begun.body)).toContain('A•••@example.org');
    expect(begun.body).not.toContain('Alice.Private');
    const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
    const code = await codeMailedTo('Alice.Private@example.org');
    const wrong = await v.post('/security-info/email/confirm', { methodId, masked: 'A•••@example.org', code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('4 more times');
    const done = await v.post('/security-info/email/confirm', { methodId, masked: 'A•••@example.org', code });
    expect(done.headers.location).toBe('/security-info?done=email_added');
    const list = visibleText((await v.follow(done)).body);
    expect(list).toContain('The email address has been added.');
    expect(list).toContain('Email A•••@example.org');
    // The person hears of the change on the address the directory holds.
    await t.deliverMail();
    expect((await t.mailsTo(ALICE.email)).some((m) => /security info changed/.test(m.subject))).toBe(true);

    const flowId = await startReset(t, ALICE.username);
    const work = await t.codeFor(ALICE.email);
    const personal = await t.codeFor('Alice.Private@example.org');
    expect(personal).toBe(work);
    expect(await t.linkTokenFor('Alice.Private@example.org')).toBe(await t.linkTokenFor(ALICE.email));
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: personal })).statusCode).toBe(200);
  });

  it('refuses the directory address and one already added, and sends nothing for them', async () => {
    t = await startTestApp();
    const v = new PortalVisitor(t);
    await signIn(v);
    await v.get('/security-info/email');
    const own = await v.post('/security-info/email', { email: ALICE.email.toUpperCase() });
    expect(own.statusCode).toBe(409);
    expect(visibleText(own.body)).toContain('already in your security info');

    const account = await t.accountOf(ALICE.username);
    const begun = await t.app.emailRegistration.begin({ account, email: 'second@example.net', client });
    await t.app.emailRegistration.finish({ account, methodId: begun.methodId, code: await codeMailedTo('second@example.net'), client });
    await v.get('/security-info/email');
    expect((await v.post('/security-info/email', { email: 'Second@Example.net' })).statusCode).toBe(409);
    await t.deliverMail();
    expect((await t.mailsTo('second@example.net')).filter((m) => /Confirm/.test(m.subject))).toHaveLength(1);
  });

  it('API: add, list, remove; the fifth wrong code drops the pending address', async () => {
    t = await startTestApp();
    const token = await sessionOf(BOB);
    const bad = await api('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: 'bob@' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'invalid_request' });
    expect((await api('POST', '/api/v1/me/methods', token, { kind: 'email_code' })).statusCode).toBe(400);

    const begun = await api('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: 'bob.home@example.net' });
    expect(begun.statusCode, begun.body).toBe(201);
    const { methodId, email } = begun.json() as { methodId: string; email: string };
    expect(email).toBe('b•••@example.net');
    for (let i = 0; i < 4; i++) {
      const wrong = await api('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: '000000' });
      expect(wrong.statusCode).toBe(422);
      expect(wrong.json()).toMatchObject({ attemptsLeft: 4 - i });
    }
    expect((await api('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: '000000' })).statusCode).toBe(410);
    expect((await api('POST', `/api/v1/me/methods/${methodId}/finish`, token, { code: await codeMailedTo('bob.home@example.net') })).statusCode).toBe(404);

    const again = (await api('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: 'bob.home@example.net' })).json() as { methodId: string };
    await t.deliverMail();
    const mails = (await t.mailsTo('bob.home@example.net')).filter((m) => /Confirm/.test(m.subject));
    const code = mails[0]!.text.match(/\b(\d{6})\b/)![1]!;
    expect((await api('POST', `/api/v1/me/methods/${again.methodId}/finish`, token, { code })).json()).toEqual({ status: 'added' });
    const listed = (await api('GET', '/api/v1/me/methods', token)).json() as { methods: Array<{ id: string; kind: string; name: string }> };
    const added = listed.methods.find((m) => m.kind === 'email_code');
    expect(added?.name).toBe('Email b•••@example.net');
    expect(JSON.stringify(listed)).not.toContain('bob.home');

    expect((await api('DELETE', `/api/v1/me/methods/${added!.id}`, token)).statusCode).toBe(204);
    await startReset(t, BOB.username);
    await t.deliverMail();
    expect((await t.mailsTo('bob.home@example.net')).some((m) => /reset code/.test(m.subject))).toBe(false);
  });

  it('limits confirmation mails per account, whatever the addresses: no mail cannon', async () => {
    t = await startTestApp({ overrides: { rateLimits: { contact_register: { points: 3, durationSeconds: 3600 } } } });
    const token = await sessionOf(BOB);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: `bob+${i}@example.net` })).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    await t.deliverMail();
    expect(await t.mailsTo('bob+3@example.net')).toHaveLength(0);
    const limited = await api('POST', '/api/v1/me/methods', token, { kind: 'email_code', email: 'bob+9@example.net' });
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('"password changed" goes to every mailbox the codes go to, and not to a directory address the policy does not trust', async () => {
    t = await startTestApp({ overrides: { policy: { default: { directoryEmail: false } } } });
    const account = await t.accountOf(ALICE.username);
    const begun = await t.app.emailRegistration.begin({ account, email: PRIVATE, client });
    await t.app.emailRegistration.finish({ account, methodId: begun.methodId, code: await codeMailedTo('Alice.Private@example.org'), client });
    const flowId = await startReset(t, ALICE.username);
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor('Alice.Private@example.org') })).statusCode).toBe(200);
    expect((await postJson(t, `/api/v1/reset/${flowId}/password`, { password: 'lantern orchard mosaic 52' })).statusCode).toBe(200);
    await t.deliverMail();
    expect((await t.mailsTo('Alice.Private@example.org')).some((m) => /password was changed/.test(m.subject))).toBe(true);
    expect((await t.mailsTo(ALICE.email)).some((m) => /password was changed/.test(m.subject))).toBe(false);
  });

  it('an account without a directory address can reset once it has a confirmed extra one (a decoy before)', async () => {
    t = await startTestApp();
    const hash = await t.app.hasher.hash('plover estuary lantern 51');
    await t.app.users.insert({ tenantId: 'demo', username: 'dave', groups: [], passwordHash: hash }, t.clock.now());
    const before = await startReset(t, 'dave');
    await t.deliverMail();
    const account = await t.accountOf('dave');
    expect(account.email).toBeUndefined();
    expect((await getJson(t, `/api/v1/reset/${before}`)).statusCode).toBe(200);
    expect((await t.app.store.flows.findByHandleHash(hashHandle(before)))?.decoy).toBe(true);

    const begun = await t.app.emailRegistration.begin({ account, email: 'dave@example.net', client });
    expect((await t.app.emailRegistration.finish({ account, methodId: begun.methodId, code: await codeMailedTo('dave@example.net'), client })).ok).toBe(true);
    const flowId = await startReset(t, 'dave');
    expect((await t.app.store.flows.findByHandleHash(hashHandle(flowId)))?.decoy).toBe(false);
    const verified = await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor('dave@example.net') });
    expect(verified.statusCode, verified.body).toBe(200);
  });

  it('with two proofs required, the masked choice after the first proof names every address', async () => {
    t = await startTestApp({ overrides: { policy: { default: { requiredMethods: 2 } } } });
    const account = await t.accountOf(ALICE.username);
    const begun = await t.app.emailRegistration.begin({ account, email: PRIVATE, client });
    await t.app.emailRegistration.finish({ account, methodId: begun.methodId, code: await codeMailedTo('Alice.Private@example.org'), client });
    const { codes } = await t.app.methodRegistration.regenerateBackupCodes({ account, client });
    const flowId = await startReset(t, ALICE.username);
    const first = await postJson(t, `/api/v1/reset/${flowId}/verify`, { method: 'backup_code', code: codes[0]! });
    expect(first.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'email_code', label: 'a•••@example.com, A•••@example.org' }] });
  });
});
