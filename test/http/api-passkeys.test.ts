import { afterEach, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, STRONG_PASSWORD } from './api-client.js';

const ORIGIN = 'https://reset.example.org';
const RP_ID = 'reset.example.org';
// The same suite on both stores: challenges (migration 0005) and counters live in SQL.
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

interface Options {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
  excludeCredentials?: Array<{ id: string }>;
  authenticatorSelection?: { userVerification?: string; residentKey?: string };
  attestation?: string;
  userVerification?: string;
  user?: { id: string; name: string };
}

describe.each(databases)('JSON API: passkeys (WebAuthn) — registration, reset, sign-in step-up (%s)', (database) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const start = async () => {
    t = await startTestApp({ database, overrides: { publicUrl: ORIGIN } });
    return t;
  };
  const call = (method: 'GET' | 'POST', url: string, token?: string, payload?: object) =>
    t!.server.inject({ method, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
  const signIn = async (user: { username: string; password: string }) =>
    (await call('POST', '/api/v1/me/session', undefined, { identifier: user.username, password: user.password })).json() as { token: string; next: string; methods: string[] };

  /** Signs in with the password alone (no step-up method yet) and adds a passkey. */
  const registerPasskey = async (user: { username: string; password: string }, name = 'YubiKey') => {
    const session = await signIn(user);
    expect(session.next).toBe('done');
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const options = (await call('POST', '/api/v1/me/passkeys/options', session.token, { name })).json() as Options;
    const finished = await call('POST', '/api/v1/me/passkeys', session.token, { response: authenticator.create(options) });
    expect(finished.statusCode, finished.body).toBe(201);
    return { authenticator, token: session.token };
  };
  const startReset = async (identifier: string) => ((await call('POST', '/api/v1/reset', undefined, { identifier })).json() as { flowId: string }).flowId;
  const resetOptions = async (flowId: string) => {
    const res = await call('POST', `/api/v1/reset/${flowId}/passkey/options`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Options;
  };
  const verifyPasskey = (flowId: string, credential: object) => call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { method: 'webauthn', credential });
  const auditEvents = async () => (await t!.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'details']).orderBy('seq').execute());

  it('registers a passkey (UV required, resident key preferred, no attestation) and resets with it end to end', async () => {
    await start();
    const session = await signIn(ALICE);
    const options = (await call('POST', '/api/v1/me/passkeys/options', session.token, { name: 'YubiKey' })).json() as Options;
    expect(options.authenticatorSelection).toMatchObject({ userVerification: 'required', residentKey: 'preferred' });
    expect(options.attestation).toBe('none');
    expect(options.excludeCredentials).toEqual([]);
    expect(options.user?.name).toBe(ALICE.email);
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const response = authenticator.create(options);
    const added = await call('POST', '/api/v1/me/passkeys', session.token, { response });
    expect(added.statusCode, added.body).toBe(201);
    // The registration challenge is spent: the same answer cannot add the passkey twice.
    expect((await call('POST', '/api/v1/me/passkeys', session.token, { response })).statusCode).toBe(422);
    const listed = (await call('GET', '/api/v1/me/methods', session.token)).json() as { methods: Array<{ kind: string; name: string }> };
    expect(listed.methods).toMatchObject([{ kind: 'webauthn', name: 'YubiKey' }]);
    // The authenticator is excluded from a second registration.
    const again = (await call('POST', '/api/v1/me/passkeys/options', session.token, {})).json() as Options;
    expect(again.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const events = (await auditEvents()).map((e) => e.event);
    expect(events).toContain('method.added');
    await t!.deliverMail();
    expect((await t!.mailsTo(ALICE.email)).length).toBeGreaterThan(0);

    const flowId = await startReset(ALICE.username);
    const reset = await resetOptions(flowId);
    expect(reset.allowCredentials).toEqual([]);
    expect(reset.rpId).toBe(RP_ID);
    expect(reset.userVerification).toBe('required');
    const assertion = authenticator.get(reset);
    const verified = await verifyPasskey(flowId, assertion);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ next: 'set_password' });
    expect((await call('POST', `/api/v1/reset/${flowId}/password`, undefined, { password: STRONG_PASSWORD })).statusCode).toBe(200);

    // Replay: the same assertion in a new flow (with its own fresh challenge) is refused.
    const next = await startReset(ALICE.username);
    await resetOptions(next);
    const replay = await verifyPasskey(next, assertion);
    expect(replay.statusCode).toBe(422);
    expect(replay.json()).toMatchObject({ code: 'code_invalid' });
  });

  it('spends the challenge on every answer: after a refused one, even a good assertion for it fails', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const flowId = await startReset(ALICE.username);
    const options = await resetOptions(flowId);
    expect((await verifyPasskey(flowId, authenticator.get(options, { origin: 'https://evil.example' }))).statusCode).toBe(422);
    expect((await verifyPasskey(flowId, authenticator.get(options))).statusCode).toBe(422);
    // A fresh challenge works.
    expect((await verifyPasskey(flowId, authenticator.get(await resetOptions(flowId)))).statusCode).toBe(200);
  });

  it.each([
    ['a wrong origin', { origin: 'https://reset.example.org.evil.example' }],
    ['a wrong RP ID', { rpId: 'example.org' }],
    ['no user verification', { userVerified: false }],
    ['no user presence', { userPresent: false }],
    ['a creation instead of an assertion', { type: 'webauthn.create' }],
  ])('refuses an assertion with %s', async (_label, overrides) => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const flowId = await startReset(ALICE.username);
    const refused = await verifyPasskey(flowId, authenticator.get(await resetOptions(flowId), overrides));
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
  });

  it('refuses registration from a wrong origin, RP ID or without user verification', async () => {
    await start();
    const session = await signIn(ALICE);
    for (const overrides of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { userVerified: false }]) {
      const options = (await call('POST', '/api/v1/me/passkeys/options', session.token, {})).json() as Options;
      const res = await call('POST', '/api/v1/me/passkeys', session.token, { response: new SoftAuthenticator(ORIGIN, RP_ID).create(options, overrides) });
      expect(res.statusCode).toBe(422);
    }
    expect((await call('GET', '/api/v1/me/methods', session.token)).json()).toMatchObject({ methods: [] });
  });

  it('refuses an expired challenge', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const flowId = await startReset(ALICE.username);
    const options = await resetOptions(flowId);
    t!.clock.advance(301);
    expect((await verifyPasskey(flowId, authenticator.get(options))).statusCode).toBe(422);
  });

  it('refuses a signature counter that does not increase, as a suspected clone, and audits it', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const first = await startReset(ALICE.username);
    expect((await verifyPasskey(first, authenticator.get(await resetOptions(first), { counter: 5 }))).statusCode).toBe(200);
    const second = await startReset(ALICE.username);
    const cloned = await verifyPasskey(second, authenticator.get(await resetOptions(second), { counter: 5 }));
    expect(cloned.statusCode).toBe(422);
    const lower = await verifyPasskey(second, authenticator.get(await resetOptions(second), { counter: 3 }));
    expect(lower.statusCode).toBe(422);
    const suspected = (await auditEvents()).filter((e) => e.event === 'method.passkey_clone_suspected');
    expect(suspected).toHaveLength(2);
    expect(suspected[0]).toMatchObject({ outcome: 'denied' });
    expect(JSON.parse(suspected[0]!.details)).toMatchObject({ storedCounter: 5, presentedCounter: 5 });
    expect((await verifyPasskey(second, authenticator.get(await resetOptions(second), { counter: 6 }))).statusCode).toBe(200);
  });

  it('accepts authenticators that always report a zero counter (replay is stopped by the challenge)', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    authenticator.counter = null;
    for (let i = 0; i < 2; i++) {
      const flowId = await startReset(ALICE.username);
      expect((await verifyPasskey(flowId, authenticator.get(await resetOptions(flowId)))).statusCode).toBe(200);
    }
  });

  it("refuses another person's passkey", async () => {
    await start();
    const alice = await registerPasskey(ALICE);
    await registerPasskey(BOB);
    const flowId = await startReset(BOB.username);
    const refused = await verifyPasskey(flowId, alice.authenticator.get(await resetOptions(flowId)));
    expect(refused.statusCode).toBe(422);
  });

  it('answers passkey options of the same shape for decoys, accounts without passkeys and with them', async () => {
    await start();
    await registerPasskey(ALICE);
    const shapes = [];
    for (const identifier of ['nosuchuser', 'carol', 'alice']) {
      const options = await resetOptions(await startReset(identifier));
      expect(options.allowCredentials).toEqual([]);
      expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      shapes.push(JSON.stringify({ ...options, challenge: '' }));
    }
    expect(new Set(shapes).size).toBe(1);
    // A decoy flow refuses an assertion like a wrong code.
    const decoy = await startReset('nosuchuser');
    const answer = await verifyPasskey(decoy, new SoftAuthenticator(ORIGIN, RP_ID).get(await resetOptions(decoy)));
    expect(answer.statusCode).toBe(422);
    expect(answer.json()).toMatchObject({ code: 'code_invalid', attemptsLeft: 4 });
  });

  it('keeps the verify body strict: a code or a credential, never both, never the wrong one', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const flowId = await startReset(ALICE.username);
    const credential = authenticator.get(await resetOptions(flowId));
    for (const body of [
      { method: 'webauthn' },
      { method: 'webauthn', code: '123456' },
      { method: 'webauthn', credential, code: '123456' },
      { credential },
      { method: 'totp', credential },
      { method: 'webauthn', credential: { ...credential, extra: 1 } },
      { method: 'webauthn', credential: { ...credential, id: ['x'] } },
    ]) {
      const res = await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await verifyPasskey(flowId, credential)).statusCode).toBe(200);
  });

  it('with two proofs required, offers the passkey (masked by name) after the emailed code and completes with it', async () => {
    t = await startTestApp({ database, overrides: { publicUrl: ORIGIN, policy: { default: { requiredMethods: 2 } } } });
    const { authenticator } = await registerPasskey(ALICE);
    const flowId = await startReset(ALICE.username);
    const first = await call('POST', `/api/v1/reset/${flowId}/verify`, undefined, { code: await t.codeFor(ALICE.email) });
    expect(first.json()).toMatchObject({ next: 'verify_second', methods: [{ method: 'webauthn', label: 'Passkey “YubiKey”' }] });
    const second = await verifyPasskey(flowId, authenticator.get(await resetOptions(flowId)));
    expect(second.json()).toMatchObject({ next: 'set_password' });
  });

  it('finishes a sign-in with a passkey once one is registered', async () => {
    await start();
    const { authenticator } = await registerPasskey(ALICE);
    const session = await signIn(ALICE);
    expect(session).toMatchObject({ next: 'verify_method', methods: ['webauthn'] });
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(401);
    const options = (await call('POST', '/api/v1/me/session/passkey/options', session.token)).json() as Options;
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const wrong = await call('POST', '/api/v1/me/session/verify', session.token, { method: 'webauthn', credential: authenticator.get(options, { userVerified: false }) });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ attemptsLeft: 4 });
    const fresh = (await call('POST', '/api/v1/me/session/passkey/options', session.token)).json() as Options;
    const ok = await call('POST', '/api/v1/me/session/verify', session.token, { method: 'webauthn', credential: authenticator.get(fresh) });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await call('GET', '/api/v1/me/methods', session.token)).statusCode).toBe(200);
    // A full session cannot ask for step-up options; options need a session.
    expect((await call('POST', '/api/v1/me/session/passkey/options', session.token)).statusCode).toBe(401);
    expect((await call('POST', '/api/v1/me/passkeys/options', undefined, {})).statusCode).toBe(401);
  });
});
