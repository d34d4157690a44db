import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import {
  ALICE,
  BOB,
  OTHER_STRONG_PASSWORD,
  STRONG_PASSWORD,
  changePassword,
  expectProblem,
  flowAtPasswordStep,
  getJson,
  setPassword,
  startReset,
  verify,
  wrongCode,
} from './api-client.js';

// The same HTTP behaviour on both stores: SQLite (embedded default) and PostgreSQL (skipped when absent).
const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

describe.each(databases)('JSON API: the reset flow (%s)', (database) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database });
  });
  afterEach(async () => {
    await t.close();
  });

  it('resets a password end to end; afterwards the old password fails and the new one works', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: ALICE.username } });
    expect(start.statusCode).toBe(202);
    expect(start.headers['cache-control']).toBe('no-store');
    const started = start.json<{ flowId: string; next: string; expiresAt: string }>();
    expect(Object.keys(started).sort()).toEqual(['expiresAt', 'flowId', 'next']);
    expect(started.next).toBe('verify_code');
    expect(new Date(started.expiresAt).toISOString()).toBe(started.expiresAt);
    expect(Date.parse(started.expiresAt) - t.clock.now().getTime()).toBeGreaterThan(9 * 60_000);

    const view = await getJson(t, `/api/v1/reset/${started.flowId}`);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toEqual({
      next: 'verify_code',
      expiresAt: started.expiresAt,
      attemptsLeft: 5,
      methods: [
        { method: 'email_code', label: 'The code we emailed you' },
        { method: 'email_link', label: 'The link we emailed you' },
        { method: 'totp', label: 'A code from your authenticator app' },
        { method: 'backup_code', label: 'One of your backup codes' },
        { method: 'webauthn', label: 'Your passkey or security key' },
        { method: 'access_pass', label: 'A temporary access pass from the helpdesk' },
      ],
    });

    const code = await t.codeFor(ALICE.email);
    expect(code).toMatch(/^\d{6}$/);
    const verified = await verify(t, started.flowId, code);
    expect(verified.statusCode, verified.body).toBe(200);
    const verifiedBody = verified.json<{ next: string; expiresAt: string }>();
    expect(verifiedBody.next).toBe('set_password');
    expect(Number.isNaN(Date.parse(verifiedBody.expiresAt))).toBe(false);
    expect((await getJson(t, `/api/v1/reset/${started.flowId}`)).json()).toMatchObject({ next: 'set_password' });

    const done = await setPassword(t, started.flowId, STRONG_PASSWORD);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ next: 'done', signInVerified: null });
    expect(done.headers['cache-control']).toBe('no-store');

    expectProblem(await changePassword(t, ALICE.username, ALICE.password, OTHER_STRONG_PASSWORD), 401, 'invalid_credentials');
    const changed = await changePassword(t, ALICE.username, STRONG_PASSWORD, OTHER_STRONG_PASSWORD);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({ status: 'changed' });
    // And the change itself took: only the newest password works now.
    expectProblem(await changePassword(t, ALICE.email, STRONG_PASSWORD, ALICE.password), 401, 'invalid_credentials');
  });

  it('uses the code only once: a second verify of the right code is refused', async () => {
    const flowId = await startReset(t, ALICE.username);
    const code = await t.codeFor(ALICE.email);
    expect((await verify(t, flowId, code)).statusCode).toBe(200);
    expectProblem(await verify(t, flowId, code), 409, 'flow_wrong_step');
  });

  it('sets the password only once: a second submit on a finished flow is refused', async () => {
    const flowId = await flowAtPasswordStep(t, ALICE);
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(200);
    const again = await setPassword(t, flowId, OTHER_STRONG_PASSWORD);
    expectProblem(again, 410, 'flow_invalid');
    // The second password did not land.
    expectProblem(await changePassword(t, ALICE.username, OTHER_STRONG_PASSWORD, ALICE.password), 401, 'invalid_credentials');
    expectProblem(await getJson(t, `/api/v1/reset/${flowId}`), 410, 'flow_invalid');
  });

  it('refuses a set-password before the code was verified', async () => {
    const flowId = await startReset(t, ALICE.username);
    expectProblem(await setPassword(t, flowId, STRONG_PASSWORD), 409, 'flow_wrong_step');
    expectProblem(await changePassword(t, ALICE.username, STRONG_PASSWORD, OTHER_STRONG_PASSWORD), 401, 'invalid_credentials');
  });

  it('expires the code after 10 minutes', async () => {
    const flowId = await startReset(t, ALICE.username);
    const code = await t.codeFor(ALICE.email);
    t.clock.advance(601);
    expectProblem(await verify(t, flowId, code), 410, 'flow_invalid');
    expectProblem(await getJson(t, `/api/v1/reset/${flowId}`), 410, 'flow_invalid');
  });

  it('still accepts the code just before it expires', async () => {
    const flowId = await startReset(t, ALICE.username);
    const code = await t.codeFor(ALICE.email);
    t.clock.advance(590);
    expect((await verify(t, flowId, code)).statusCode).toBe(200);
  });

  it('expires the password step too', async () => {
    const flowId = await flowAtPasswordStep(t, ALICE);
    t.clock.advance(601);
    expectProblem(await setPassword(t, flowId, STRONG_PASSWORD), 410, 'flow_invalid');
    expectProblem(await changePassword(t, ALICE.username, STRONG_PASSWORD, OTHER_STRONG_PASSWORD), 401, 'invalid_credentials');
  });

  it('kills the flow after 5 wrong codes; the right code then fails too', async () => {
    const flowId = await startReset(t, ALICE.username);
    const code = await t.codeFor(ALICE.email);
    const wrong = wrongCode(code);
    for (const left of [4, 3, 2, 1]) {
      const res = await verify(t, flowId, wrong);
      expect(expectProblem(res, 422, 'code_invalid').attemptsLeft).toBe(left);
      expect((await getJson(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ attemptsLeft: left });
    }
    expectProblem(await verify(t, flowId, wrong), 410, 'code_attempts_exceeded');
    expectProblem(await verify(t, flowId, code), 410, 'flow_invalid');
    expectProblem(await getJson(t, `/api/v1/reset/${flowId}`), 410, 'flow_invalid');
  });

  it('a new reset for the same account kills the old flow', async () => {
    const oldFlow = await startReset(t, ALICE.username);
    const oldCode = await t.codeFor(ALICE.email);
    const newFlow = await startReset(t, ALICE.email);
    const newCode = await t.codeFor(ALICE.email);
    expect(newFlow).not.toBe(oldFlow);

    expectProblem(await getJson(t, `/api/v1/reset/${oldFlow}`), 410, 'flow_invalid');
    expectProblem(await verify(t, oldFlow, oldCode), 410, 'flow_invalid');
    // The code of one flow means nothing in another.
    if (oldCode !== newCode) expectProblem(await verify(t, newFlow, oldCode), 422, 'code_invalid');
    expect((await verify(t, newFlow, newCode)).statusCode).toBe(200);
    expect((await setPassword(t, newFlow, STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('a flow of another account is not touched by a new reset', async () => {
    const bobFlow = await startReset(t, BOB.username);
    await startReset(t, ALICE.username);
    expect((await getJson(t, `/api/v1/reset/${bobFlow}`)).statusCode).toBe(200);
  });

  it('a rejected password explains why and leaves the flow at set_password', async () => {
    const flowId = await flowAtPasswordStep(t, ALICE);

    const cases: Array<[string, string]> = [
      ['zq9#x', 'too_short'],
      ['password123', 'too_common'],
      ['alice kestrel outpost tundra 47', 'contains_context'],
    ];
    for (const [password, reason] of cases) {
      const res = await setPassword(t, flowId, password);
      const problem = expectProblem(res, 422, 'password_rejected');
      const reasons = problem.reasons as Array<{ code: string; message: string }>;
      expect(Array.isArray(reasons)).toBe(true);
      const found = reasons.find((r) => r.code === reason);
      expect(found, `${password}: ${res.body}`).toBeDefined();
      expect(found!.message.length).toBeGreaterThan(10);
      for (const r of reasons) expect(Object.keys(r).sort()).toEqual(['code', 'message']);
      // The password never comes back in the answer.
      expect(res.body).not.toContain(password);
      expect((await getJson(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'set_password' });
    }

    const done = await setPassword(t, flowId, STRONG_PASSWORD);
    expect(done.statusCode, done.body).toBe(200);
    expect((await changePassword(t, ALICE.username, STRONG_PASSWORD, OTHER_STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('password change: wrong current password and unknown user get the same 401', async () => {
    const wrong = expectProblem(await changePassword(t, ALICE.username, 'not the password at all', STRONG_PASSWORD), 401, 'invalid_credentials');
    const unknown = expectProblem(await changePassword(t, 'nosuchuser', 'not the password at all', STRONG_PASSWORD), 401, 'invalid_credentials');
    const { instance: _a, ...wrongRest } = wrong;
    const { instance: _b, ...unknownRest } = unknown;
    expect(unknownRest).toEqual(wrongRest);
  });

  it('password change: a weak new password answers 422 with reasons and changes nothing', async () => {
    const res = await changePassword(t, BOB.username, BOB.password, 'bob');
    const problem = expectProblem(res, 422, 'password_rejected');
    const codes = (problem.reasons as Array<{ code: string }>).map((r) => r.code);
    expect(codes).toContain('too_short');
    expect((await changePassword(t, BOB.username, BOB.password, STRONG_PASSWORD)).statusCode).toBe(200);
  });
});
