import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlFraudStore } from '../../src/adapters/store/fraud-store.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor } from './portal-forms.js';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const PASSWORD = 'incident console pass phrase';
const BASE = '/admin/t/demo/incidents';

/** The console's Incidents area through its pages: a dry run, its confirmation, progress, report, early end; admins only. */
describe('console Incidents area', () => {
  let t: TestApp;
  let ada: PortalVisitor;
  let hal: PortalVisitor;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp({
      overrides: { tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'g-admin', role: 'admin' }, { group: 'g-helpdesk', role: 'helpdesk' }] }] },
    });
    const admin = t.app.admin!;
    const signedIn = async (name: string, group: string) => {
      const id = await t.app.users.insert({ tenantId: 'demo', username: name, groups: [group], passwordHash: await t.app.hasher.hash(PASSWORD) }, t.clock.now());
      await admin.methods.add({ tenantId: 'demo', subjectId: id, kind: 'totp', name: 'app', secret: SEED, confirmed: true }, t.clock.now());
      t.clock.advance(31);
      const client = { ip: '127.0.0.1', userAgent: 'incidents', correlationId: 'incidents' };
      const started = await admin.signIn.start({ tenantId: 'demo', identifier: name, password: PASSWORD, client });
      const proven = await admin.signIn.proveTotp({ token: started.token, code: totpAt(SEED, t.clock.now().getTime()), client });
      if (!proven.ok) throw new Error(`sign-in of ${name} failed`);
      const visitor = new PortalVisitor(t);
      visitor.cookies.set('unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
      return visitor;
    };
    ada = await signedIn('ada', 'g-admin');
    hal = await signedIn('hal', 'g-helpdesk');
    for (const [username, enabled] of [['ivan', true], ['judy', true], ['mallory', false]] as const) {
      ids[username] = await t.app.users.insert({ tenantId: 'demo', username, email: `${username}@example.com`, groups: ['breach'], enabled, passwordHash: await t.app.hasher.hash('x pass phrase long') }, t.clock.now());
    }
  });
  afterAll(async () => t?.close());

  const mustChange = async (subject: string) => Number((await t.app.database.db.selectFrom('users').select('must_change').where('id', '=', subject).executeTakeFirstOrThrow()).must_change);
  const notices = async () => t.app.database.db.selectFrom('outbox').select('subject_id').where('template', '=', 'incident_notice').execute();

  it('is for admins only: a helpdesk operator gets 403 on its pages and forms', async () => {
    expect((await hal.get(BASE)).statusCode).toBe(403);
    await hal.get('/admin');
    expect((await hal.post(`${BASE}/dry-run`, { source: 'group', group: 'breach', mode: 'lock', expires: '7d' })).statusCode).toBe(403);
    expect(await notices()).toEqual([]);
  });

  it('says what is wrong with a bad form, on the page, with a 400', async () => {
    const home = await ada.get(BASE);
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('<label for="group">');
    const bad = await ada.post(`${BASE}/dry-run`, { source: 'group', group: ' ', mode: 'open', expires: '7 weeks' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Enter the name of a group.');
    expect(bad.body).toContain('Choose a mode.');
    expect(bad.body).toContain('Enter a duration from 1 hour to 90 days');
    const csv = await ada.post(`${BASE}/dry-run`, { source: 'file', people: 'identifier\n"open', mode: 'lock', expires: '7d' });
    expect(csv.statusCode).toBe(400);
    expect(csv.body).toContain('The list could not be read (line 2)');
  });

  it('starts with a dry run that changes nothing, then runs exactly those people once confirmed', async () => {
    await ada.get(BASE);
    const dry = await ada.post(`${BASE}/dry-run`, { source: 'group', group: 'breach', mode: 'lock', expires: '2d', reason: 'phishing wave' });
    expect(dry.statusCode).toBe(303);
    const dryUrl = String(dry.headers.location);
    const preview = await ada.get(dryUrl);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('Nothing has changed. Confirming resets 2 people; 1 are skipped');
    expect(preview.body).toMatch(/<td>ivan<\/td><td>Would be reset<\/td>/);
    expect(preview.body).toMatch(/<td>mallory<\/td><td>Skipped<\/td><td>disabled<\/td>/);
    expect(await mustChange(ids.ivan!)).toBe(0);
    expect(await notices()).toEqual([]);

    const confirmed = await ada.post(`${dryUrl}/confirm`, {});
    expect(confirmed.statusCode).toBe(303);
    const url = String(confirmed.headers.location);
    expect(url).not.toBe(dryUrl);
    const id = url.split('/').pop()!;
    // The job runs in the server; wait until it settles.
    for (let i = 0; i < 100 && (await t.app.incidents.status('demo', id))?.incident.state === 'running'; i++) await new Promise((r) => setTimeout(r, 50));
    const page = await ada.get(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('3 of 3 processed: 2 done, 0 failed, 1 skipped.');
    expect(page.body).toMatch(/<progress aria-labelledby="progress-label" max="3" value="3">/);
    expect(page.body).not.toContain('http-equiv="refresh"');
    expect(await mustChange(ids.ivan!)).toBe(1);
    expect(await mustChange(ids.judy!)).toBe(1);
    expect((await notices()).map((n) => n.subject_id).sort()).toEqual([ids.ivan, ids.judy].sort());
    const started = await t.app.database.db.selectFrom('audit_log').select(['actor', 'details']).where('event', '=', 'incident.started').executeTakeFirstOrThrow();
    expect(started.actor).toBe('operator:demo/ada');
    expect(JSON.parse(started.details)).toMatchObject({ incident: id, dryRun: dryUrl.split('/').pop(), people: 3, skipped: 1 });

    const csv = await ada.get(`${url}/report.csv`);
    expect(csv.statusCode).toBe(200);
    expect(String(csv.headers['content-type'])).toContain('text/csv');
    expect(csv.body).toContain('ivan');
    expect(csv.body).toContain('mallory');
    const exported = await t.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'admin.exported').execute();
    expect(exported.map((e) => JSON.parse(e.details).incident)).toContain(id);

    expect(await new SqlFraudStore(t.app.database.db).isHeld('demo', ids.ivan!)).toBe(true);
    await ada.get(url);
    expect((await ada.post(`${url}/end`, {})).statusCode).toBe(303);
    expect(await new SqlFraudStore(t.app.database.db).isHeld('demo', ids.ivan!)).toBe(false);
    expect((await ada.get(url)).body).toContain('Ended early');

    const list = await ada.get(BASE);
    expect(list.body).toContain(`<code>${id}</code>`);
  });

  it('refreshes the page of a running incident by itself (no JavaScript needed) and offers a link too', async () => {
    const by = { actor: 'cli:test', client: { ip: '127.0.0.1', userAgent: 't', correlationId: 'c' } };
    const outcome = await t.app.incidents.start({ tenantId: 'demo', source: { kind: 'list', name: 'x.csv', identifiers: [{ line: 1, value: 'judy' }] }, mode: 'strict', expiresInSeconds: 3600, reason: '', dryRun: false, by });
    const page = await ada.get(`${BASE}/${outcome.incident.id}`);
    expect(page.body).toContain('<meta http-equiv="refresh" content="5">');
    expect(page.body).toContain('Refresh the progress');
    expect((await ada.get(`${BASE}/nope`)).statusCode).toBe(404);
    expect((await ada.get(`${BASE}/bad%20id`)).statusCode).toBe(400);
  });
});
