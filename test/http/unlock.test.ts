import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { BOB, CAROL, postJson, setPassword, startReset, STRONG_PASSWORD } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

describe('unlock without reset: prove it is you, the lockout goes, the password stays', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const lock = async (username: string) => {
    const account = await t!.accountOf(username);
    await t!.app.users.setFlags('demo', account.id, { locked: true }, t!.clock.now());
  };
  const startUnlock = async (identifier: string) => {
    const res = await postJson(t!, '/api/v1/unlock', { identifier });
    expect(res.statusCode, res.body).toBe(202);
    return (res.json() as { flowId: string }).flowId;
  };

  it('API: unlocks a locked account after the emailed code; the old password still works and a notice is mailed', async () => {
    t = await startTestApp();
    await lock(CAROL.username);
    const flowId = await startUnlock(CAROL.username);
    await t.deliverMail();
    const mail = (await t.mailsTo(CAROL.email))[0]!;
    expect(mail.subject).toContain('unlock code');

    const verified = await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(CAROL.email) });
    expect(verified.json()).toMatchObject({ next: 'unlock' });
    // An unlock flow never sets a password.
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(409);

    const unlocked = await postJson(t, `/api/v1/reset/${flowId}/unlock`, {});
    expect(unlocked.statusCode, unlocked.body).toBe(200);
    expect(unlocked.json()).toEqual({ next: 'done', wasLocked: true });
    expect((await t.accountOf(CAROL.username)).locked).toBe(false);
    expect((await postJson(t, '/api/v1/me/session', { identifier: CAROL.username, password: CAROL.password })).statusCode).toBe(201);
    await t.deliverMail();
    expect((await t.mailsTo(CAROL.email)).some((m) => m.subject.includes('account was unlocked'))).toBe(true);
    expect((await t.server.inject({ method: 'GET', url: '/metrics' })).body).toContain('unlatch_unlocks_total{tenant="demo",outcome="success"} 1');
    // Finished: the flow id is spent.
    expect((await postJson(t, `/api/v1/reset/${flowId}/unlock`, {})).statusCode).toBe(410);
  });

  it('an unlock flow waiting at its last step dies when a newer reset finishes', async () => {
    t = await startTestApp();
    await lock(CAROL.username);
    const unlockFlow = await startUnlock(CAROL.username);
    expect((await postJson(t, `/api/v1/reset/${unlockFlow}/verify`, { code: await t.codeFor(CAROL.email) })).json()).toMatchObject({ next: 'unlock' });
    const reset = await startReset(t, CAROL.username);
    expect((await postJson(t, `/api/v1/reset/${reset}/verify`, { code: await t.codeFor(CAROL.email) })).statusCode).toBe(200);
    expect((await setPassword(t, reset, STRONG_PASSWORD)).statusCode).toBe(200);
    await lock(CAROL.username);
    expect((await postJson(t, `/api/v1/reset/${unlockFlow}/unlock`, {})).statusCode).toBe(410);
    expect((await t.accountOf(CAROL.username)).locked).toBe(true);
  });

  it('a reset flow cannot unlock, and an unlock before the proofs is refused', async () => {
    t = await startTestApp();
    await lock(BOB.username);
    const reset = await startReset(t, BOB.username);
    expect((await postJson(t, `/api/v1/reset/${reset}/unlock`, {})).statusCode).toBe(409);
    await postJson(t, `/api/v1/reset/${reset}/verify`, { code: await t.codeFor(BOB.email) });
    expect((await postJson(t, `/api/v1/reset/${reset}/unlock`, {})).statusCode).toBe(409);
    expect((await t.accountOf(BOB.username)).locked).toBe(true);
  });

  it('where the policy does not allow unlocking, the flow is a decoy: the same answer, no mail, no unlock', async () => {
    t = await startTestApp({ overrides: { policy: { default: { unlockEnabled: false } } } });
    await lock(CAROL.username);
    const flowId = await startUnlock(CAROL.username);
    await t.deliverMail();
    expect(await t.mailsTo(CAROL.email)).toHaveLength(0);
    expect((await postJson(t, `/api/v1/reset/${flowId}/verify`, { code: '123456' })).statusCode).toBe(422);
    // A reset is still allowed: unlocking is its own switch.
    await startReset(t, CAROL.username);
    await t.deliverMail();
    expect((await t.mailsTo(CAROL.email)).some((m) => m.subject.includes('reset code'))).toBe(true);
  });

  it('portal: "My account is locked" → code → Unlock my account → done', async () => {
    t = await startTestApp();
    await lock(CAROL.username);
    const v = new PortalVisitor(t);
    expect((await v.get('/')).body).toContain('href="/unlock"');
    const started = await v.fill('/unlock', { identifier: CAROL.username });
    expect(started.headers.location).toBe('/reset/code');
    expect(visibleText(v.lastPage)).toContain('your password stays the same');
    await v.follow(started);
    const proven = await v.post('/reset/code', { code: await t.codeFor(CAROL.email) });
    expect(proven.headers.location).toBe('/reset/unlock');
    const page = await v.follow(proven);
    expect(visibleText(page.body)).toContain('Press the button to unlock your account');
    const done = await v.post('/reset/unlock', {});
    expect(done.headers.location).toBe('/reset/unlocked');
    expect(visibleText((await v.follow(done)).body)).toContain('Your account is unlocked.');
    expect((await t.accountOf(CAROL.username)).locked).toBe(false);
  });
});
