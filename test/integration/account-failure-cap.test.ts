import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, CAROL, expectProblem, postJson, startReset, verify, wrongCode, type ProblemBody } from '../http/api-client.js';

/** The default cap of consecutive failed proofs per account (`rateLimits.proof_failures`). */
const CAP = 20;
/** Wrong codes per flow: fewer than the flow's own limit (5), so the flows stay alive and only the cap speaks. */
const PER_FLOW = 4;

/** Headers that differ per request by nature. */
const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id']);

describe('the per-account cap of consecutive failed proofs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The emailed code of the newest flow, or a stand-in for a decoy (which mails nobody). */
  const codeOf = async (email: string | null): Promise<string> => (email ? t.codeFor(email) : '123456');

  /**
   * Presents `count` wrong codes, spread over new flows of `PER_FLOW` each, cycling through `spellings`.
   * Returns the answer to the last one.
   */
  async function fail(spellings: readonly string[], email: string | null, count: number): Promise<LightMyRequestResponse> {
    let last: LightMyRequestResponse | undefined;
    for (let done = 0; done < count; ) {
      const flowId = await startReset(t, spellings[(done / PER_FLOW) % spellings.length]!);
      const code = await codeOf(email);
      for (let i = 0; i < PER_FLOW && done < count; i++, done++) {
        last = await verify(t, flowId, wrongCode(code));
        expectProblem(last, 422, 'code_invalid');
      }
    }
    return last!;
  }

  const auditRows = (event: string) =>
    t.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'subject_id', 'details']).where('event', '=', event).orderBy('seq').execute();

  it('pauses proofs for an account after the cap, across flows and spellings, even the right code; sign-in still works', async () => {
    const alice = await t.accountOf(ALICE.username);
    await fail([ALICE.username, ALICE.email, ' Alice '], ALICE.email, CAP);

    const paused = await auditRows('reset.proofs_paused');
    expect(paused).toHaveLength(1);
    expect(paused[0]).toMatchObject({ outcome: 'denied', subject_id: alice.id });

    // A new flow, yet another spelling, and the right code: refused until the window runs out.
    const flowId = await startReset(t, 'ALICE@example.com');
    const refused = await verify(t, flowId, await t.codeFor(ALICE.email));
    const problem = expectProblem(refused, 429, 'rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(problem.retryAfterSeconds).toBe(Number(refused.headers['retry-after']));
    const limited = (await auditRows('reset.rate_limited')).filter((r) => r.subject_id === alice.id);
    expect(limited.map((r) => JSON.parse(r.details) as { bucket: string })).toEqual([{ bucket: 'proof_failures' }]);

    // Nothing reached the directory: the password still signs in, and the account is not locked.
    const signedIn = await postJson(t, '/api/v1/me/session', { identifier: ALICE.username, password: ALICE.password });
    expect(signedIn.statusCode, signedIn.body).toBe(201);
    expect((await t.accountOf(ALICE.username)).locked).toBe(false);

    // An unknown identifier pays the same way and is answered exactly like the real account.
    const decoyLast = await fail(['nosuch.person'], null, CAP);
    const decoyFlow = await startReset(t, 'nosuch.person');
    const decoyRefused = await verify(t, decoyFlow, '123456');
    expectProblem(decoyRefused, 429, 'rate_limited');
    expect(decoyRefused.statusCode).toBe(refused.statusCode);
    const stable = (res: LightMyRequestResponse) => Object.fromEntries(Object.entries(res.headers).filter(([h]) => !PER_REQUEST_HEADERS.has(h) && h !== 'retry-after' && h !== 'content-length'));
    expect(stable(decoyRefused)).toEqual(stable(refused));
    const strip = ({ instance: _i, retryAfterSeconds: _r, ...rest }: ProblemBody) => rest;
    expect(strip(decoyRefused.json())).toEqual(strip(refused.json()));
    // The windows began a few seconds apart; the waits agree but for that.
    expect(Math.abs(Number(decoyRefused.headers['retry-after']) - Number(refused.headers['retry-after']))).toBeLessThanOrEqual(60);
    // The last failure before the pause looks like any wrong code, for both.
    expect(decoyLast.statusCode).toBe(422);
    const decoyPaused = (await auditRows('reset.proofs_paused')).filter((r) => r.subject_id === null);
    expect(decoyPaused.map((r) => r.outcome)).toEqual(['decoy']);
  });

  it('a successful proof before the cap ends the run of failures', async () => {
    await fail([BOB.username, BOB.email], BOB.email, CAP - 1);
    const flowId = await startReset(t, BOB.email);
    expect((await verify(t, flowId, await t.codeFor(BOB.email))).statusCode).toBe(200);

    // Counting starts again from nothing: another CAP - 1 failures still leave the right code working.
    await fail([BOB.username], BOB.email, CAP - 1);
    const again = await startReset(t, BOB.username);
    expect((await verify(t, again, await t.codeFor(BOB.email))).statusCode).toBe(200);
    const bob = await t.accountOf(BOB.username);
    expect((await auditRows('reset.proofs_paused')).filter((r) => r.subject_id === bob.id)).toHaveLength(0);
  });
  it('counts wrong method proofs of the security-info sign-in too, but never its password step', async () => {
    const account = await t.accountOf(CAROL.username);
    const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-cap' };
    const enrollment = await t.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t.clock.now().getTime()), client });
    t.clock.advance(30);
    const signIn = async () => {
      const res = await postJson(t, '/api/v1/me/session', { identifier: CAROL.email, password: CAROL.password });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ next: 'verify_method' });
      return res.json<{ token: string }>().token;
    };
    const prove = (token: string, code: string) =>
      t.server.inject({ method: 'POST', url: '/api/v1/me/session/verify', headers: { authorization: `Bearer ${token}` }, payload: { method: 'totp', code } });

    const wrong = wrongCode(totpAt(enrollment.secret, t.clock.now().getTime()));
    for (let done = 0; done < CAP; ) {
      const token = await signIn();
      for (let i = 0; i < PER_FLOW && done < CAP; i++, done++) expectProblem(await prove(token, wrong), 422, 'code_invalid');
    }
    // Paused for reset proofs (the right emailed code) and for the sign-in's method step (the right app code).
    const flowId = await startReset(t, CAROL.username);
    expectProblem(await verify(t, flowId, await t.codeFor(CAROL.email)), 429, 'rate_limited');
    const token = await signIn();
    expectProblem(await prove(token, totpAt(enrollment.secret, t.clock.now().getTime())), 429, 'rate_limited');
    expect((await auditRows('reset.proofs_paused')).filter((r) => r.subject_id === account.id)).toHaveLength(1);
  });
});
