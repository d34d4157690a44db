import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqlAccessPassRepository } from '../../src/adapters/store/access-pass-repository.js';
import { hashAccessPass } from '../../src/core/methods/access_pass/access-pass-code.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startFakeWebhook, type FakeWebhook } from '../helpers/fake-sms-providers.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { auditOf, PERSON_SEED, PHONE, passTotpCheck, pendingCheckId, personUrl, startHelpdesk, type HelpdeskFixture } from './helpdesk-setup.js';
import { expectLabelledControls, visibleText } from './portal-forms.js';

/** The helpdesk in the console: checking a caller, then acting for them; on SQLite and PostgreSQL. */
describe.each(['sqlite', 'postgres'] as const)('helpdesk on %s', (database) => {
  let f: HelpdeskFixture;
  let sms: FakeWebhook;
  let enabled = true;

  beforeAll(async () => {
    if (database === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    sms = await startFakeWebhook();
    f = await startHelpdesk({ database, smsUrl: sms.url });
  });
  afterAll(async () => {
    await f?.close();
    await sms?.close();
  });
  beforeEach(({ skip }) => {
    if (!enabled) skip();
  });

  const hal = () => f.visitors.get('hal')!;
  const ada = () => f.visitors.get('ada')!;
  const textedCode = async () => {
    await f.t.deliverMail();
    const text = sms.received.filter((m) => m.to === PHONE).at(-1)?.text ?? '';
    return { code: text.match(/\b(\d{6})\b/)?.[1] ?? '', text };
  };

  it('checks a caller by a texted code: wrong code refused, right code passes; audited with agent, method, outcome and ticket, never the code', async () => {
    const page = await hal().get(personUrl(f.alice.id));
    expect(page.statusCode).toBe(200);
    expectLabelledControls(page.body);
    expect(visibleText(page.body)).toContain('•••• 0077');
    expect(page.body).not.toContain(PHONE);
    expect((await auditOf(f.t, 'admin.viewed')).filter((e) => e.details.what === 'helpdesk_person')).toContainEqual(expect.objectContaining({ actor: 'operator:demo/hal', subject_id: f.alice.id }));
    const started = await hal().post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-2001', method: f.alice.phoneId });
    expect(started.statusCode, visibleText(started.body)).toBe(303);
    const { code, text } = await textedCode();
    expect(code).toMatch(/^\d{6}$/);
    expect(text).toContain('helpdesk');
    const pending = await hal().get(personUrl(f.alice.id));
    const checkId = pendingCheckId(pending.body);
    const wrong = await hal().post(`${personUrl(f.alice.id)}/answer`, { checkId, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('That code is not right');
    const right = await hal().post(`${personUrl(f.alice.id)}/answer`, { checkId, code });
    expect(right.statusCode, visibleText(right.body)).toBe(303);
    expect(visibleText((await hal().get(personUrl(f.alice.id))).body)).toContain('Check passed');

    const startedEntries = (await auditOf(f.t, 'helpdesk.check_started')).filter((e) => e.details.checkId === checkId);
    expect(startedEntries).toEqual([expect.objectContaining({ actor: 'operator:demo/hal', outcome: 'success', subject_id: f.alice.id, details: expect.objectContaining({ ticket: 'INC-2001', kind: 'sms_code' }) })]);
    const checked = (await auditOf(f.t, 'helpdesk.checked')).filter((e) => e.details.checkId === checkId);
    expect(checked.map((e) => [e.outcome, e.details.reason ?? null, e.details.ticket])).toEqual([['failure', 'wrong', 'INC-2001'], ['success', null, 'INC-2001']]);
    const all = JSON.stringify(await f.t.app.database.db.selectFrom('audit_log').select('details').where('event', 'like', 'helpdesk.%').execute());
    expect(all).not.toContain(code);
  });

  it('refuses a missing or unprintable ticket reference, starting no check', async () => {
    const before = (await auditOf(f.t, 'helpdesk.check_started')).length;
    await ada().get(personUrl(f.alice.id));
    for (const ticket of ['', '   ', 'INC\u0007-1', 'x'.repeat(65)]) {
      const res = await ada().post(`${personUrl(f.alice.id)}/check`, { ticket, method: f.alice.totpId });
      expect(res.statusCode).toBe(400);
      expect(visibleText(res.body)).toContain('Type the ticket reference');
      expect(res.body).toContain('aria-invalid="true"');
    }
    expect((await auditOf(f.t, 'helpdesk.check_started')).length).toBe(before);
    const rows = await f.t.app.database.db.selectFrom('helpdesk_checks').select('id').where('agent', '=', 'operator:demo/ada').execute();
    expect(rows).toEqual([]);
  });

  it('refuses every action without a passed check, and audits the refusal', async () => {
    const abe = f.visitors.get('abe')!;
    await abe.get(personUrl(f.alice.id));
    for (const path of ['unlock', 'access-pass', 'password']) {
      const res = await abe.post(`${personUrl(f.alice.id)}/${path}`, {});
      expect(res.statusCode).toBe(403);
      expect(visibleText(res.body)).toContain('Check the caller first');
    }
    const removed = await abe.post(`${personUrl(f.alice.id)}/remove-method`, { methodId: f.alice.phoneId });
    expect(removed.statusCode).toBe(403);
    expect(await f.t.app.admin!.methods.get('demo', f.alice.phoneId)).not.toBeNull();
    const denied = (await auditOf(f.t, 'helpdesk.action')).filter((e) => e.actor === 'operator:demo/abe');
    expect(denied.length).toBe(4);
    expect(denied.every((e) => e.outcome === 'denied' && e.details.reason === 'no_passed_check')).toBe(true);
  });

  it('checks a caller by an authenticator code, then unlocks the account and tells the person', async () => {
    await f.t.app.users.setFlags('demo', f.alice.id, { locked: true }, f.t.clock.now());
    await ada().get(personUrl(f.alice.id));
    await ada().post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-3001', method: f.alice.totpId });
    const checkId = pendingCheckId((await ada().get(personUrl(f.alice.id))).body);
    f.t.clock.advance(31);
    const code = totpAt(PERSON_SEED, f.t.clock.now().getTime());
    expect((await ada().post(`${personUrl(f.alice.id)}/answer`, { checkId, code })).statusCode).toBe(303);
    const unlocked = await ada().post(`${personUrl(f.alice.id)}/unlock`, {});
    expect(unlocked.statusCode, visibleText(unlocked.body)).toBe(200);
    expect(visibleText(unlocked.body)).toContain('The account is unlocked');
    expect((await f.t.accountOf('alice')).locked).toBe(false);
    const action = (await auditOf(f.t, 'helpdesk.action')).filter((e) => e.details.action === 'unlock' && e.outcome === 'success');
    expect(action).toEqual([expect.objectContaining({ actor: 'operator:demo/ada', subject_id: f.alice.id, details: expect.objectContaining({ ticket: 'INC-3001', checkId, wasLocked: true }) })]);
    await f.t.deliverMail();
    const mail = (await f.t.mailsTo('alice@example.com')).find((m) => m.subject.includes('helpdesk changed'));
    expect(mail?.text).toContain('unlocked your account');
    expect(mail?.text).toContain('INC-3001');
    expect(sms.received.some((m) => m.to === PHONE && m.text.includes('unlocked your account'))).toBe(true);
  });

  it('refuses a replayed authenticator code', async () => {
    const abe = f.visitors.get('abe')!;
    await abe.get(personUrl(f.alice.id));
    await abe.post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-3002', method: f.alice.totpId });
    const checkId = pendingCheckId((await abe.get(personUrl(f.alice.id))).body);
    // ada's last check used the current step already.
    const replayed = await abe.post(`${personUrl(f.alice.id)}/answer`, { checkId, code: totpAt(PERSON_SEED, f.t.clock.now().getTime()) });
    expect(replayed.statusCode).toBe(422);
    expect(visibleText(replayed.body)).toMatch(/used already|not right/);
  });

  it('checks a caller by a backup code, which is spent: the same code fails a second time', async () => {
    const [first] = f.alice.backupCodes;
    const abe = f.visitors.get('abe')!;
    for (const [i, expected] of [[0, 303], [1, 422]] as const) {
      await abe.get(personUrl(f.alice.id));
      const started = await abe.post(`${personUrl(f.alice.id)}/check`, { ticket: `INC-400${i}`, method: 'backup-codes' });
      expect(started.statusCode, visibleText(started.body)).toBe(303);
      const checkId = pendingCheckId((await abe.get(personUrl(f.alice.id))).body);
      const res = await abe.post(`${personUrl(f.alice.id)}/answer`, { checkId, code: first!.toLowerCase() });
      expect(res.statusCode).toBe(expected);
    }
    const checked = (await auditOf(f.t, 'helpdesk.checked')).filter((e) => e.actor === 'operator:demo/abe' && e.details.kind === 'backup_code');
    expect(checked.map((e) => [e.outcome, e.details.reason ?? null])).toEqual([['success', null], ['failure', 'used']]);
  });

  it('issues a temporary access pass shown once and stored hashed, lists it, and revokes it', async () => {
    await passTotpCheck(f, 'hal', f.alice.id, f.alice.totpId, 'INC-5001');
    const issued = await hal().post(`${personUrl(f.alice.id)}/access-pass`, { minutes: '120' });
    expect(issued.statusCode, visibleText(issued.body)).toBe(200);
    const pass = visibleText(issued.body).match(/\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b/)?.[1];
    expect(pass).toBeDefined();
    expect(issued.headers['cache-control']).toBe('no-store');
    const rows = await f.t.app.database.db.selectFrom('access_passes').selectAll().where('subject_id', '=', f.alice.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.pass_hash).toBe(hashAccessPass(pass!));
    expect(rows[0]!.expires_at - rows[0]!.created_at).toBe(120 * 60_000);
    const everything = JSON.stringify([rows, await f.t.app.database.db.selectFrom('audit_log').select('details').execute()]);
    expect(everything).not.toContain(pass!);
    expect(everything).not.toContain(pass!.replaceAll('-', ''));
    // Not shown again.
    const page = await hal().get(personUrl(f.alice.id));
    expect(page.body).not.toContain(pass!);
    expect(visibleText(page.body)).toContain('operator:demo/hal');
    // The portal spends it once (helper A's proof uses the same port).
    const passes = new SqlAccessPassRepository(f.t.app.database.db);
    expect(await passes.spend(null, 'demo', f.alice.id, hashAccessPass(pass!.toLowerCase()), f.t.clock.now())).toBe('ok');
    expect(await passes.spend(null, 'demo', f.alice.id, hashAccessPass(pass!), f.t.clock.now())).toBe('used');

    // A second pass, revoked from the page.
    await hal().post(`${personUrl(f.alice.id)}/access-pass`, {});
    const live = await passes.listLive('demo', f.alice.id, f.t.clock.now());
    expect(live).toHaveLength(1);
    expect(live[0]!.expiresAt.getTime() - live[0]!.createdAt.getTime()).toBe(60 * 60_000);
    await hal().get(personUrl(f.alice.id));
    const revoked = await hal().post(`${personUrl(f.alice.id)}/access-pass/revoke`, { passId: live[0]!.id, ticket: 'INC-5001' });
    expect(revoked.statusCode).toBe(303);
    expect(await passes.listLive('demo', f.alice.id, f.t.clock.now())).toEqual([]);
    const actions = (await auditOf(f.t, 'helpdesk.action')).filter((e) => e.actor === 'operator:demo/hal').map((e) => e.details.action);
    expect(actions).toEqual(['access_pass', 'access_pass', 'access_pass_revoked']);
    // Out of bounds: refused with the field named.
    const tooLong = await hal().post(`${personUrl(f.alice.id)}/access-pass`, { minutes: '5000' });
    expect(tooLong.statusCode).toBe(400);
    expect(visibleText(tooLong.body)).toContain('Choose from 10 to 1440 minutes');
  });

  it('sets a one-time password the person must change at next sign-in (built-in store), ending their sessions', async () => {
    await passTotpCheck(f, 'ada', f.alice.id, f.alice.totpId, 'INC-6001');
    const res = await ada().post(`${personUrl(f.alice.id)}/password`, { password: '' });
    expect(res.statusCode, visibleText(res.body)).toBe(200);
    const password = visibleText(res.body).match(/\b([a-z2-9]{4}(?:-[a-z2-9]{4}){4})\b/)?.[1];
    expect(password).toBeDefined();
    const alice = await f.t.accountOf('alice');
    expect(await f.t.app.admin!.directory.verifyPassword(alice, password!)).toBe(true);
    const row = await f.t.app.database.db.selectFrom('users').select('must_change').where('id', '=', f.alice.id).executeTakeFirstOrThrow();
    expect(Number(row.must_change)).toBe(1);
    const entry = (await auditOf(f.t, 'helpdesk.action')).find((e) => e.details.action === 'one_time_password' && e.outcome === 'success');
    expect(entry?.details).toMatchObject({ ticket: 'INC-6001', generated: true });
    expect(JSON.stringify(entry)).not.toContain(password!);
    // A typed one must pass the password rules.
    const weak = await ada().post(`${personUrl(f.alice.id)}/password`, { password: 'password' });
    expect(weak.statusCode).toBe(422);
    expect(visibleText(weak.body)).toContain('does not meet the rules');
  });

  it('removes a lost method and tells the person', async () => {
    await passTotpCheck(f, 'hal', f.alice.id, f.alice.totpId, 'INC-7001');
    const res = await hal().post(`${personUrl(f.alice.id)}/remove-method`, { methodId: f.alice.phoneId });
    expect(res.statusCode, visibleText(res.body)).toBe(200);
    expect(await f.t.app.admin!.methods.get('demo', f.alice.phoneId)).toBeNull();
    await f.t.deliverMail();
    const mail = (await f.t.mailsTo('alice@example.com')).find((m) => m.text.includes('removed “Mobile”'));
    expect(mail).toBeDefined();
  });

  it('keeps the auditor out of the helpdesk, and the helpdesk role out of approvals', async () => {
    const aud = f.visitors.get('aud')!;
    expect((await aud.get('/admin/t/demo/helpdesk')).statusCode).toBe(403);
    expect((await aud.get(personUrl(f.alice.id))).statusCode).toBe(403);
    expect((await hal().get('/admin/t/demo/helpdesk-approvals')).statusCode).toBe(403);
    const home = await hal().get('/admin/t/demo/helpdesk?q=alice');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(personUrl(f.alice.id).replace(/&/g, '&amp;'));
  });
});

describe('a policy that does not take passes', () => {
  let f: HelpdeskFixture;
  beforeAll(async () => {
    f = await startHelpdesk({ overrides: { policy: { default: { allowedMethods: ['email_code', 'totp', 'webauthn', 'backup_code'] } } } });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('offers no pass, and refuses one asked for anyway (the portal would not take it)', async () => {
    const hal = f.visitors.get('hal')!;
    await passTotpCheck(f, 'hal', f.alice.id, f.alice.totpId, 'INC-8001');
    expect((await hal.get(personUrl(f.alice.id))).body).not.toContain('/access-pass"');
    const refused = await hal.post(`${personUrl(f.alice.id)}/access-pass`, { minutes: '60' });
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain('does not take temporary access passes');
    expect(await f.t.app.database.db.selectFrom('access_passes').selectAll().execute()).toEqual([]);
  });
});
