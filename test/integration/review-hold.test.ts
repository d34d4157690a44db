import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { signInDemoOperator } from '../http/admin-operator.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { valueOf } from './metrics-scrape.js';
import { setFlowRisk } from './review-support.js';

const PENDING = 'unlatch_reviews_pending{tenant="demo"}';

/**
 * Hold for review (issue 13) on SQLite and PostgreSQL: a flow whose risk action is `hold` waits after its proofs
 * (API `next: wait_for_review`, the password refused), an operator approves it in the console with a note (audited,
 * the password step's TTL from then on) or rejects it (the flow is dead, the person's page says so), a held flow
 * runs out after the review window, a newer reset supersedes it, and nobody decides on their own account.
 */
describe.each(['sqlite', 'postgres'] as const)('hold for review (%s)', (database) => {
  let t: TestApp;
  let skip = false;

  beforeAll(async () => {
    if (database === 'postgres' && !shouldRun('PostgreSQL', await postgresAvailable())) {
      skip = true;
      return;
    }
    t = await startTestApp({
      database,
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'unlatch-admins', role: 'admin' }] }],
        defaultTenant: 'demo',
      },
    });
  });
  afterAll(async () => t?.close());

  const api = (url: string, payload?: object) => (payload ? t.server.inject({ method: 'POST', url, payload }) : t.server.inject({ method: 'GET', url }));
  const audit = async (event: string) => (await t.app.admin!.auditQuery.search({ tenantId: 'demo', event }, { limit: 50 })).entries;
  const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;

  /** Starts a reset for `username` through the API, holds it, and gives the emailed code: the flow now waits. */
  async function heldFlow(username: string): Promise<{ flowId: string; id: string }> {
    const { flowId } = (await api('/api/v1/reset', { identifier: username })).json() as { flowId: string };
    const id = await setFlowRisk(t, username, 'hold');
    let verified = await api(`/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(`${username}@example.com`) });
    // The demo operator holds an authenticator app: their strongest factor is asked for too.
    if (username === DEMO_OPERATOR.username) verified = await api(`/api/v1/reset/${flowId}/verify`, { method: 'totp', code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ next: 'wait_for_review' });
    return { flowId, id };
  }

  it('holds the flow after its proofs, refuses the password while held, and lets an approved person finish', async () => {
    if (skip) return;
    const { flowId, id } = await heldFlow('alice');
    expect((await api(`/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'wait_for_review' });
    const refused = await api(`/api/v1/reset/${flowId}/password`, { password: 'a brand new passphrase 1' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'flow_wrong_step' });
    const held = await audit('reset.review_held');
    expect(held.find((e) => e.flowId === id)?.details).toMatchObject({ score: 60, reasons: ['new_device'] });
    expect(valueOf(await scrape(), PENDING)).toBe(1);

    // The password step's TTL starts at the approval: an hour of waiting costs the person nothing.
    t.clock.advance(3600);
    const operator = await signInDemoOperator(t);
    const queue = await operator.get('/admin/t/demo/reviews');
    expect(queue.statusCode).toBe(200);
    const text = visibleText(queue.body);
    expect(text).toContain('Alice Archer (alice)');
    expect(text).toContain('A device not seen before for this account');
    expect(text).toContain('(NL)');

    const page = await operator.get(`/admin/t/demo/reviews/${id}`);
    expect(page.statusCode).toBe(200);
    const noNote = await operator.post(`/admin/t/demo/reviews/${id}`, { decision: 'approve', note: '   ' });
    expect(noNote.statusCode).toBe(400);
    expect(visibleText(noNote.body)).toContain('Write a note');
    const approved = await operator.post(`/admin/t/demo/reviews/${id}`, { decision: 'approve', note: 'Called Alice on her desk phone' });
    expect(approved.statusCode, approved.body).toBe(303);
    expect(approved.headers.location).toBe('/admin/t/demo/reviews?done=approved');

    const entry = (await audit('reset.review_approved')).find((e) => e.flowId === id);
    expect(entry).toMatchObject({ outcome: 'success', actor: 'operator:demo/opal', subjectId: (await t.accountOf('alice')).id });
    expect(entry?.details).toMatchObject({ note: 'Called Alice on her desk phone', flowId: id });
    const view = (await api(`/api/v1/reset/${flowId}`)).json() as { next: string; expiresAt: string };
    expect(view.next).toBe('set_password');
    expect(new Date(view.expiresAt).getTime()).toBeGreaterThan(t.clock.now().getTime() + (t.config.reset.passwordStepTtlSeconds - 60) * 1000);
    expect(valueOf(await scrape(), PENDING)).toBe(0);
    // Told by mail, in case the page was closed during the wait: go back where you started, before the step runs out.
    await t.deliverMail();
    const told = (await t.mailsTo('alice@example.com')).find((m) => m.subject === 'Your Demo password reset was approved');
    expect(told?.text).toContain(`before ${new Date(view.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}`);
    expect(told?.text).toContain('to choose your new password');
    expect(told?.text).toMatch(/https?:\/\/\S+\/reset\/review\b/);
    expect(told?.text).not.toMatch(/token=/);
    const done = await api(`/api/v1/reset/${flowId}/password`, { password: 'a brand new passphrase 1' });
    expect(done.statusCode, done.body).toBe(200);
    // Decided once: the flow is no longer in the queue.
    expect((await operator.get(`/admin/t/demo/reviews/${id}`)).statusCode).toBe(404);
  });

  it('sends an approved unlock flow on to the unlock, not to a new password', async () => {
    if (skip) return;
    const { flowId } = (await api('/api/v1/unlock', { identifier: 'alice' })).json() as { flowId: string };
    const id = await setFlowRisk(t, 'alice', 'hold');
    expect((await api(`/api/v1/reset/${flowId}/verify`, { code: await t.codeFor('alice@example.com') })).json()).toMatchObject({ next: 'wait_for_review' });
    const operator = await signInDemoOperator(t);
    expect(visibleText((await operator.get(`/admin/t/demo/reviews/${id}`)).body)).toContain('Account unlock');
    expect((await operator.post(`/admin/t/demo/reviews/${id}`, { decision: 'approve', note: 'Alice called from her desk' })).statusCode).toBe(303);
    expect((await api(`/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'unlock' });
    await t.deliverMail();
    expect((await t.mailsTo('alice@example.com')).find((m) => m.subject === 'Your Demo password reset was approved')?.text).toContain('to unlock your account');
    expect((await api(`/api/v1/reset/${flowId}/password`, { password: 'not the step it is at 12' })).statusCode).toBe(409);
  });

  it('ends a rejected flow: the person\'s page says it was not approved, the password page sends them to start again', async () => {
    if (skip) return;
    const person = new PortalVisitor(t);
    expect((await person.fill('/reset', { identifier: 'bob' })).statusCode).toBe(303);
    const id = await setFlowRisk(t, 'bob', 'hold');
    // Opened before the proofs are in: the page of the step the flow is at.
    expect((await person.get('/reset/review')).headers.location).toBe('/reset/code');
    const proved = await person.fill('/reset/code', { code: await t.codeFor('bob@example.com') });
    expect(proved.headers.location).toBe('/reset/review');
    const waiting = await person.get('/reset/review');
    expect(waiting.statusCode).toBe(200);
    expect(visibleText(waiting.body)).toContain('Your reset is waiting for a check by your IT team');
    // Only when asked does the page check by itself (a screen reader is not interrupted otherwise).
    expect(waiting.body).not.toContain('http-equiv="refresh"');
    expect((await person.get('/reset/review?auto=1')).body).toContain('<meta http-equiv="refresh" content="30">');
    expect((await person.get('/reset/password')).headers.location).toBe('/reset/review');

    const operator = await signInDemoOperator(t);
    await operator.get(`/admin/t/demo/reviews/${id}`);
    const rejected = await operator.post(`/admin/t/demo/reviews/${id}`, { decision: 'reject', note: 'Bob is on holiday and did not ask' });
    expect(rejected.headers.location).toBe('/admin/t/demo/reviews?done=rejected');
    expect((await audit('reset.review_rejected')).find((e) => e.flowId === id)).toMatchObject({ outcome: 'success', actor: 'operator:demo/opal' });
    await t.deliverMail();
    const notice = (await t.mailsTo('bob@example.com')).find((m) => m.subject === 'Your Demo password reset was not approved');
    expect(notice?.text).toContain('Your password has not changed.');
    expect(notice?.text).not.toContain('/reset/review');

    const told = await person.get('/reset/review');
    expect(told.statusCode).toBe(200);
    expect(visibleText(told.body)).toContain('Your IT team did not approve this reset');
    const row = await t.app.database.db.selectFrom('reset_flows').select(['state']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe('rejected');
    expect((await person.get('/reset/password')).headers.location).toBe('/reset');
  });

  it('lets a held flow run out after the review window, and a newer reset supersede it', async () => {
    if (skip) return;
    const first = await heldFlow('carol');
    t.clock.advance(24 * 3600 + 60);
    expect((await api(`/api/v1/reset/${first.flowId}`)).statusCode).toBe(410);
    const operator = await signInDemoOperator(t);
    expect(visibleText((await operator.get('/admin/t/demo/reviews')).body)).not.toContain('Carol');
    expect((await operator.get(`/admin/t/demo/reviews/${first.id}`)).statusCode).toBe(404);

    const second = await heldFlow('carol');
    const { flowId: third } = (await api('/api/v1/reset', { identifier: 'carol' })).json() as { flowId: string };
    expect((await api(`/api/v1/reset/${second.flowId}`)).statusCode).toBe(410);
    expect((await api(`/api/v1/reset/${third}`)).json()).toMatchObject({ next: 'verify_code' });
    const row = await t.app.database.db.selectFrom('reset_flows').select(['state']).where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('superseded');
  });

  it('refuses an operator\'s decision on their own reset, audited as denied', async () => {
    if (skip) return;
    const operator = await signInDemoOperator(t);
    t.clock.advance(31);
    const { flowId, id } = await heldFlow('opal');
    await operator.get(`/admin/t/demo/reviews/${id}`);
    const own = await operator.post(`/admin/t/demo/reviews/${id}`, { decision: 'approve', note: 'It is me' });
    expect(own.statusCode).toBe(403);
    expect(visibleText(own.body)).toContain('You cannot decide on a reset of your own account');
    expect((await audit('reset.review_approved')).find((e) => e.flowId === id)).toMatchObject({ outcome: 'denied', details: expect.objectContaining({ reason: 'own_account' }) });
    expect((await api(`/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'wait_for_review' });
  });

  it('keeps the queue behind the console sign-in', async () => {
    if (skip) return;
    const stranger = new PortalVisitor(t);
    const res = await stranger.get('/admin/t/demo/reviews');
    expect([302, 303, 401]).toContain(res.statusCode);
  });
});
