import { afterEach, describe, expect, it } from 'vitest';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { ConfigTenants } from '../../src/adapters/tenants/config-tenants.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { ContactWriter } from '../../src/core/enrolment/contact-import-writer.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { ALICE } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

/** Imported contact data on the security info page: its source shown, and pending values confirmed by the person. */
describe('imported contact data at security info', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Imports for Alice as `unlatch methods import` does (the same writer), into the running app's database. */
  const importForAlice = async (app: TestApp, emails: string[]) => {
    const methods = new SqlMethodRepository(app.app.database.db, new Sealer(app.app.keys, 'totp-seal'));
    const writer = new ContactWriter({ methods, tenants: new ConfigTenants(app.config.tenants, app.config.defaultTenant!), clock: app.clock, policyFor: app.app.policyFor });
    const account = await app.accountOf(ALICE.username);
    await app.app.store.transaction((tx) => writer.apply(tx, account, { emails, phones: [] }, { source: 'import', actor: 'cli' }));
    return methods;
  };
  const signIn = async (v: PortalVisitor) => {
    await v.get('/security-info/sign-in');
    await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
  };

  it('pending imports are offered for confirmation; confirming one keeps the other waiting', async () => {
    t = await startTestApp();
    const methods = await importForAlice(t, ['alice.home@example.net', 'alice.other@example.org']);
    const v = new PortalVisitor(t);
    await signIn(v);
    const page = await v.get('/security-info');
    const text = visibleText(page.body);
    expect(text).toContain('Contact details from your organisation');
    expect(text).toContain('a•••@example.net');
    expect(text).toContain('a•••@example.org');

    const begun = await v.post('/security-info/email', { email: 'alice.home@example.net' });
    expect(begun.statusCode, begun.body).toBe(200);
    const methodId = /name="methodId" value="([^"]+)"/.exec(begun.body)![1]!;
    await t.deliverMail();
    const code = (await t.mailsTo('alice.home@example.net')).find((m) => /Confirm your email address/.test(m.subject))!.text.match(/\b(\d{6})\b/)![1]!;
    const done = await v.post('/security-info/email/confirm', { methodId, masked: 'a•••@example.net', code });
    expect(done.headers.location).toBe('/security-info?done=email_added');

    const held = (await methods.listForSubject('demo', (await t.accountOf(ALICE.username)).id)).map((m) => [m.data.email, m.confirmed]);
    expect(held).toContainEqual(['alice.home@example.net', true]);
    // The other imported address is still there, waiting: adding one address does not sweep away the organisation's.
    expect(held).toContainEqual(['alice.other@example.org', false]);
    const after = visibleText((await v.get('/security-info')).body);
    expect(after).toContain('Email a•••@example.net');
    expect(after.split('Contact details from your organisation')[1]).toContain('a•••@example.org');
    expect(after.split('Contact details from your organisation')[1]).not.toContain('a•••@example.net');
  });

  it('a pending import that is not theirs, the person removes (audited); nobody else can', async () => {
    t = await startTestApp();
    const methods = await importForAlice(t, ['typo@example.net']);
    const alice = await t.accountOf(ALICE.username);
    const [pending] = await methods.listForSubject('demo', alice.id);
    const v = new PortalVisitor(t);
    await signIn(v);
    expect((await v.get('/security-info')).body).toContain('action="/security-info/imported/dismiss"');
    // Not a pending import of Alice's: nothing happens.
    expect((await v.post('/security-info/imported/dismiss', { methodId: 'not-a-method' })).statusCode).toBe(404);
    await v.get('/security-info');
    const done = await v.post('/security-info/imported/dismiss', { methodId: pending!.id });
    expect(done.headers.location).toBe('/security-info?done=imported_dismissed');
    expect(await methods.listForSubject('demo', alice.id)).toEqual([]);
    const text = visibleText((await v.follow(done)).body);
    expect(text).toContain('The contact detail has been removed.');
    expect(text).not.toContain('Contact details from your organisation');
    const entry = await t.app.database.db.selectFrom('audit_log').select(['event', 'actor', 'details']).where('event', '=', 'method.removed').executeTakeFirstOrThrow();
    expect(entry.actor).toBe('self');
    expect(JSON.parse(entry.details)).toMatchObject({ kind: 'email_code', methodId: pending!.id, source: 'import', pending: true });
  });

  it("the console's person page says which methods the organisation added", async () => {
    t = await startTestApp();
    await importForAlice(t, ['alice.home@example.net']);
    const operator = await signInDemoOperator(t);
    const alice = await t.accountOf(ALICE.username);
    const text = visibleText((await operator.get(`/admin/t/demo/people/${encodeURIComponent(alice.id)}`)).body);
    expect(text).toContain('Email a•••@example.net (added by the organisation from HR data)');
  });

  it('trusted imports are listed as methods, marked as added by the organisation', async () => {
    t = await startTestApp({ overrides: { policy: { default: { trustImportedContacts: true } } } });
    await importForAlice(t, ['alice.home@example.net']);
    const v = new PortalVisitor(t);
    await signIn(v);
    const text = visibleText((await v.get('/security-info')).body);
    expect(text).toContain('Email a•••@example.net');
    expect(text).toMatch(/Added by\s*Your organisation/);
    expect(text).not.toContain('Contact details from your organisation');
  });
});
