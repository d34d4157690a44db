import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { PortalVisitor, csrfOf, formBody, visibleText } from '../http/portal-forms.js';
import { signInDemoOperator } from '../http/admin-operator.js';
import { freePort, postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { valueOf } from './metrics-scrape.js';

const PERSON_FRAUD = 'unlatch_fraud_labels_total{tenant="demo",source="person",label="fraud"}';
const OPERATOR_LEGIT = 'unlatch_fraud_labels_total{tenant="demo",source="operator",label="legitimate"}';
const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/**
 * "This wasn't me" end to end, on SQLite and PostgreSQL, with a real SMTP server: the notice after a reset carries
 * the link; its GET changes nothing; its POST (CSRF-protected, once) pauses self-service for the account, audits,
 * alerts the security mailbox and moves the fraud series; spent and unknown links answer the same page; an
 * operator's label moves the operator series, is audited, and can end the pause; a role without access is refused.
 */
describe.each(['sqlite', 'postgres'] as const)('"this wasn\'t me" reports (%s)', (database) => {
  let t: TestApp;
  let smtp: SMTPServer;
  let skip = false;
  const received: Array<{ to: string; subject: string; text: string }> = [];

  beforeAll(async () => {
    if (database === 'postgres' && !shouldRun('PostgreSQL', await postgresAvailable())) {
      skip = true;
      return;
    }
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            for (const rcpt of session.envelope.rcptTo) received.push({ to: rcpt.address, subject: mail.subject ?? '', text: mail.text ?? '' });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    t = await startTestApp({
      database,
      overrides: {
        publicUrl: 'https://reset.example.org',
        mail: { transport: 'smtp', from: 'Unlatch <no-reply@example.org>', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, connectionTimeoutMs: 2000 } },
        security: { alertEmails: ['security@example.org'] },
        tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'unlatch-admins', role: 'admin' }, { group: 'g-helpdesk', role: 'helpdesk' }, { group: 'g-auditor', role: 'auditor' }] }],
        defaultTenant: 'demo',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
  const api = (url: string, payload: object) => t.server.inject({ method: 'POST', url, payload });
  const mailsTo = async (address: string) => {
    await t.app.worker.drain();
    return received.filter((m) => m.to === address);
  };
  const audit = async (event: string) => (await t.app.admin!.auditQuery.search({ tenantId: 'demo', event }, { limit: 50 })).entries;
  const held = async (username: string) => t.app.database.db.selectFrom('self_service_holds').selectAll().where('subject_id', '=', (await t.accountOf(username)).id).execute();

  /** A whole reset through the API, by the person (the notice goes out after it). */
  async function resetPassword(username: string, password: string): Promise<void> {
    const before = (await mailsTo(`${username}@example.com`)).length;
    const { flowId } = (await api('/api/v1/reset', { identifier: username })).json() as { flowId: string };
    const mails = await mailsTo(`${username}@example.com`);
    expect(mails.length).toBe(before + 1);
    const code = mails.at(-1)!.text.match(/\b(\d{6,10})\b/)![1]!;
    expect((await api(`/api/v1/reset/${flowId}/verify`, { code })).statusCode).toBe(200);
    expect((await api(`/api/v1/reset/${flowId}/password`, { password })).statusCode).toBe(200);
  }

  /** The "this wasn't me" token in the newest notice to `address`. */
  async function reportToken(address: string): Promise<string> {
    const notice = (await mailsTo(address)).filter((m) => /password was changed/i.test(m.subject)).at(-1);
    expect(notice, `a notice to ${address}`).toBeDefined();
    const match = notice!.text.match(/https:\/\/reset\.example\.org\/report\?token=([A-Za-z0-9_%-]+)/);
    expect(match, notice!.text).not.toBeNull();
    return decodeURIComponent(match![1]!);
  }

  it('mails the link with the notice; its GET shows a confirm page and changes nothing', async () => {
    if (skip) return;
    await resetPassword('bob', 'lantern orchard mosaic 52');
    const token = await reportToken('bob@example.com');
    // Only the hash is kept.
    const rows = await t.app.database.db.selectFrom('report_links').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows[0]!.event).toBe('password_changed');

    const before = await scrape();
    const visitor = new PortalVisitor(t);
    // A mail scanner opening the link, twice: a page with a button, nothing spent or changed.
    for (let i = 0; i < 2; i += 1) {
      const page = await visitor.get(`/report?token=${encodeURIComponent(token)}`);
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.body).toContain('action="/report"');
      expect(visibleText(page.body)).toContain("Yes, this wasn't me");
    }
    expect(await held('bob')).toHaveLength(0);
    expect((await t.app.database.db.selectFrom('report_links').select('used_at').executeTakeFirstOrThrow()).used_at).toBeNull();
    expect(valueOf(await scrape(), PERSON_FRAUD)).toBe(valueOf(before, PERSON_FRAUD));
    expect(await audit('fraud.reported')).toHaveLength(0);
    // Any token, or none, gets the same page (nothing is looked up on GET).
    const unknown = await new PortalVisitor(t).get('/report?token=nope');
    expect(visibleText(unknown.body)).toBe(visibleText((await new PortalVisitor(t).get('/report')).body));
  });

  it('refuses the POST without its CSRF token, and changes nothing', async () => {
    if (skip) return;
    const token = await reportToken('bob@example.com');
    const res = await t.server.inject({ method: 'POST', url: '/report', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: formBody({ token }) });
    expect(res.statusCode).toBe(403);
    expect(await held('bob')).toHaveLength(0);
    expect(valueOf(await scrape(), PERSON_FRAUD)).toBe(0);
  });

  it('POST pauses self-service, ends live resets, audits, alerts the security mailbox and moves the series; reused and unknown tokens answer the same page', async () => {
    if (skip) return;
    const token = await reportToken('bob@example.com');
    const bob = await t.accountOf('bob');
    // A reset someone has going for bob right now: the report ends it.
    const { flowId: live } = (await api('/api/v1/reset', { identifier: 'bob' })).json() as { flowId: string };

    const visitor = new PortalVisitor(t);
    const done = await visitor.fill(`/report?token=${encodeURIComponent(token)}`, { token });
    expect(done.statusCode).toBe(200);
    const page = visibleText(done.body);
    expect(page).toContain('What happens next');
    expect(page).toContain('paused');

    expect(await held('bob')).toHaveLength(1);
    expect((await t.server.inject({ method: 'GET', url: `/api/v1/reset/${live}` })).statusCode).toBe(410);
    const [entry] = await audit('fraud.reported');
    expect(entry).toMatchObject({ subjectId: bob.id, actor: 'self', outcome: 'success' });
    expect(entry!.details).toMatchObject({ event: 'password_changed', alerted: 1 });
    expect(entry!.flowId).toBeTruthy();
    expect(JSON.stringify(entry)).not.toContain(token);
    const labels = await t.app.database.db.selectFrom('fraud_labels').selectAll().execute();
    expect(labels).toMatchObject([{ subject_id: bob.id, label: 'fraud', source: 'person', flow_id: entry!.flowId }]);
    expect(valueOf(await scrape(), PERSON_FRAUD)).toBe(1);
    const alerts = await mailsTo('security@example.org');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.text).toContain(bob.id);
    expect(alerts[0]!.text).toContain('https://reset.example.org/admin/t/demo/fraud');
    expect(alerts[0]!.text).not.toContain(token);

    // The same link again, and a link that never existed: the same page, nothing more happens.
    const again = await new PortalVisitor(t).fill(`/report?token=${encodeURIComponent(token)}`, { token });
    const unknown = await new PortalVisitor(t).fill('/report?token=x', { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(again.statusCode).toBe(200);
    expect(unknown.statusCode).toBe(200);
    expect(visibleText(again.body)).toBe(page);
    expect(visibleText(unknown.body)).toBe(page);
    expect(valueOf(await scrape(), PERSON_FRAUD)).toBe(1);
    expect(await audit('fraud.reported')).toHaveLength(1);
    expect(await mailsTo('security@example.org')).toHaveLength(1);
  });

  it('refuses the next reset of the paused account the way refusals are refused: same answer as a stranger, no code mailed', async () => {
    if (skip) return;
    const mailsBefore = (await mailsTo('bob@example.com')).length;
    const paused = await api('/api/v1/reset', { identifier: 'bob' });
    const stranger = await api('/api/v1/reset', { identifier: 'nobody-here' });
    expect(paused.statusCode).toBe(stranger.statusCode);
    expect(Object.keys(paused.json() as object).sort()).toEqual(Object.keys(stranger.json() as object).sort());
    expect(Object.keys(paused.headers).sort()).toEqual(Object.keys(stranger.headers).sort());
    expect(await mailsTo('bob@example.com')).toHaveLength(mailsBefore);
    const started = (await audit('reset.started')).find((e) => e.outcome === 'decoy' && e.details?.reason === 'held');
    expect(started, 'a decoy start with reason held').toBeDefined();
  });

  it('lets an admin label the reset as legitimate and end the pause: the operator series moves, the label is audited', async () => {
    if (skip) return;
    const bob = await t.accountOf('bob');
    const [completed] = (await audit('reset.completed')).filter((e) => e.subjectId === bob.id);
    const operator = await signInDemoOperator(t);
    const entryPage = await operator.get(`/admin/t/demo/audit/entries/${encodeURIComponent(completed!.id)}`);
    expect(entryPage.body).toContain(`/admin/t/demo/fraud/label?entry=${encodeURIComponent(completed!.id)}`);
    const home = await operator.get('/admin/t/demo/fraud');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain(bob.id);

    const form = await operator.get(`/admin/t/demo/fraud/label?entry=${encodeURIComponent(completed!.id)}`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('name="release"');
    // No label chosen: the form again, with an error, and nothing recorded.
    expect((await operator.post('/admin/t/demo/fraud/label', { entry: completed!.id })).statusCode).toBe(400);
    const res = await operator.post('/admin/t/demo/fraud/label', { entry: completed!.id, label: 'legitimate', release: 'yes' });
    expect(res.statusCode, res.body).toBe(303);

    expect(valueOf(await scrape(), OPERATOR_LEGIT)).toBe(1);
    const [labelled] = await audit('fraud.labelled');
    expect(labelled).toMatchObject({ subjectId: bob.id, flowId: completed!.flowId, actor: expect.stringContaining('operator:') });
    expect(labelled!.details).toMatchObject({ label: 'legitimate', entryId: completed!.id, entryEvent: 'reset.completed', released: true });
    expect(await held('bob')).toHaveLength(0);
    // Self-service works again.
    const mailsBefore = (await mailsTo('bob@example.com')).length;
    await api('/api/v1/reset', { identifier: 'bob' });
    expect(await mailsTo('bob@example.com')).toHaveLength(mailsBefore + 1);
  });

  it('refuses the Fraud area to helpdesk and auditor operators, labels included', async () => {
    if (skip) return;
    const admin = t.app.admin!;
    const [entry] = await audit('reset.completed');
    for (const [name, group] of [['hal', 'g-helpdesk'], ['aud', 'g-auditor']] as const) {
      const id = await t.app.users.insert({ tenantId: 'demo', username: name, groups: [group], passwordHash: await t.app.hasher.hash('role table pass phrase') }, t.clock.now());
      await admin.methods.add({ tenantId: 'demo', subjectId: id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, t.clock.now());
      t.clock.advance(31);
      const client = { ip: '127.0.0.1', userAgent: 'roles', correlationId: 'roles' };
      const started = await admin.signIn.start({ tenantId: 'demo', identifier: name, password: 'role table pass phrase', client });
      const proven = await admin.signIn.proveTotp({ token: started.token, code: totpAt(SEED, t.clock.now().getTime()), client });
      if (!proven.ok) throw new Error(`sign-in of ${name} failed`);
      const visitor = new PortalVisitor(t);
      // The public URL is https: the session cookie carries the `__Host-` prefix.
      visitor.cookies.set('__Host-unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
      const refused = await visitor.get('/admin/t/demo/fraud');
      expect(refused.statusCode).toBe(403);
      // With a valid CSRF token from a page of the console: the area's guard still refuses.
      const res = await visitor.post('/admin/t/demo/fraud/label', { _csrf: csrfOf(refused.body), entry: entry?.id ?? 'x', label: 'fraud' });
      expect(res.statusCode).toBe(403);
    }
    expect(valueOf(await scrape(), 'unlatch_fraud_labels_total{tenant="demo",source="operator",label="fraud"}')).toBe(0);
  });
});
