import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, CAROL, changePassword, expectProblem, postJson, setPassword, startReset, STRONG_PASSWORD, verify, wrongCode } from '../http/api-client.js';
import { PortalVisitor } from '../http/portal-forms.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-audit-refusals' };

interface Row {
  event: string;
  outcome: string;
  subject_id: string | null;
  flow_id: string | null;
  details: Record<string, unknown>;
}

describe('every refusal and every ending is audited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The entries of `event` about `username`, oldest first. */
  async function entries(event: string, username: string): Promise<Row[]> {
    const { id } = await t.accountOf(username);
    const rows = await t.app.database.db
      .selectFrom('audit_log')
      .select(['event', 'outcome', 'subject_id', 'flow_id', 'details'])
      .where('event', '=', event)
      .where('subject_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
  }

  const flowState = async (flowId: string) =>
    (await t.app.database.db.selectFrom('reset_flows').select('state').where('id', '=', flowId).executeTakeFirstOrThrow()).state;

  it('an emailed code used after it expired: flow_invalid, audited with reason expired (each time), the flow marked expired', async () => {
    const flowId = await startReset(t, ALICE.username);
    const code = await t.codeFor(ALICE.email);
    t.clock.advance(t.config.reset.codeTtlSeconds + 1);
    expectProblem(await verify(t, flowId, code), 410, 'flow_invalid');
    expectProblem(await verify(t, flowId, code), 410, 'flow_invalid');

    const refused = (await entries('reset.code_failed', ALICE.username)).filter((r) => r.details.reason === 'expired');
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ outcome: 'failure', details: { method: 'email_code', reason: 'expired' } });
    expect(await flowState(refused[0]!.flow_id!)).toBe('expired');
  });

  it('an emailed link confirmed after it expired: the ended page, audited with reason expired', async () => {
    await startReset(t, BOB.username);
    const token = await t.linkTokenFor(BOB.email);
    expect(token, 'the reset mail carries a link').not.toBeNull();
    t.clock.advance(t.config.reset.codeTtlSeconds + 1);
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset');
    expect((await visitor.post('/reset/link', { token: token! })).statusCode).toBe(410);

    const refused = (await entries('reset.code_failed', BOB.username)).filter((r) => r.details.reason === 'expired');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ outcome: 'failure', details: { method: 'email_link', reason: 'expired' } });
  });

  it('an authenticator code presented again is audited as replayed, a wrong one as wrong', async () => {
    const account = await t.accountOf(CAROL.username);
    const enrollment = await t.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    await t.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t.clock.now().getTime()), client });
    t.clock.advance(30);
    const code = totpAt(enrollment.secret, t.clock.now().getTime());

    const first = await startReset(t, CAROL.username);
    expect((await postJson(t, `/api/v1/reset/${first}/verify`, { method: 'totp', code })).statusCode).toBe(200);
    const second = await startReset(t, CAROL.username);
    // The person's own spent code is explained and costs no attempt; it is still audited as a refusal.
    expectProblem(await postJson(t, `/api/v1/reset/${second}/verify`, { method: 'totp', code }), 422, 'code_already_used');
    expectProblem(await postJson(t, `/api/v1/reset/${second}/verify`, { method: 'totp', code: wrongCode(code) }), 422, 'code_invalid');

    const failed = await entries('reset.code_failed', CAROL.username);
    expect(failed.map((r) => r.details)).toEqual([
      { attempts: 0, method: 'totp', reason: 'replayed', purpose: 'reset' },
      { attempts: 1, method: 'totp', reason: 'wrong', purpose: 'reset' },
    ]);
  });

  it('sessions ended by a reset are audited with their count', async () => {
    const signIn = await postJson(t, '/api/v1/me/session', { identifier: ALICE.email, password: ALICE.password });
    expect(signIn.statusCode, signIn.body).toBe(201);
    const { token } = signIn.json<{ token: string }>();

    const flowId = await startReset(t, ALICE.username);
    expect((await verify(t, flowId, await t.codeFor(ALICE.email))).statusCode).toBe(200);
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(200);

    const ended = await entries('sessions.revoked', ALICE.username);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ outcome: 'success', details: { count: 1, reason: 'password_reset' } });
    expect(ended[0]!.flow_id).not.toBeNull();
    const after = await t.server.inject({ method: 'GET', url: '/api/v1/me/methods', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
  });

  it('sessions ended by a password change are audited with their count; none ended, no entry', async () => {
    for (let i = 0; i < 2; i++) expect((await postJson(t, '/api/v1/me/session', { identifier: BOB.username, password: BOB.password })).statusCode).toBe(201);
    expect((await changePassword(t, BOB.username, BOB.password, STRONG_PASSWORD)).statusCode).toBe(200);
    // A second change with no session left ends nothing, and says nothing about sessions.
    expect((await changePassword(t, BOB.username, STRONG_PASSWORD, 'saffron viaduct plankton orbit 93')).statusCode).toBe(200);

    const ended = await entries('sessions.revoked', BOB.username);
    expect(ended.map((r) => r.details)).toEqual([{ count: 2, reason: 'password_changed' }]);
  });
});
