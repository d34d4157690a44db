import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ADMIN_GROUP } from '../../src/config/admin-schema.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { readCatalogues } from '../helpers/i18n-catalogue.js';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { ALICE, BOB, STRONG_PASSWORD } from './api-client.js';
import { PortalVisitor, setCookies, visibleText } from './portal-forms.js';

// The real catalogues: the test asserts the texts the installed languages carry, whatever the translators wrote.
const catalogues = readCatalogues(new URL('../../locales', import.meta.url).pathname);
const text = (lng: string, ns: string, key: string) => catalogues[lng]?.[ns]?.get(key) ?? '';

/** The `<html>` element's attributes. */
function htmlTag(body: string): string {
  return /<html[^>]*>/.exec(body)?.[0] ?? '';
}

describe('languages: choice, switcher, flow language, overrides, right to left', () => {
  let t: TestApp;
  const overrides = mkdtempSync(join(tmpdir(), 'unlatch-overrides-'));
  beforeAll(async () => {
    // Tenant `acme` says "Acme password desk" instead of the service name, in English only; `demo` keeps the installed text.
    mkdirSync(join(overrides, 'acme', 'en'), { recursive: true });
    writeFileSync(join(overrides, 'acme', 'en', 'portal.json'), JSON.stringify({ 'layout.service': 'Acme password desk' }));
    t = await startTestApp({
      overrides: {
        tenants: [
          { id: 'demo', name: 'Demo Company', defaultLanguage: 'de', operators: [{ group: DEMO_ADMIN_GROUP, role: 'admin' }] },
          { id: 'acme', name: 'Acme' },
        ],
        defaultTenant: 'demo',
        i18n: { overrides },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(overrides, { recursive: true, force: true });
  });

  it('takes the cookie over Accept-Language over the tenant default', async () => {
    const byDefault = await new PortalVisitor(t).get('/');
    expect(htmlTag(byDefault.body)).toContain('lang="de"');
    expect(byDefault.body).toContain(text('de', 'portal', 'home.title'));

    const byHeader = await new PortalVisitor(t, { 'accept-language': 'fr-CH, en;q=0.8' }).get('/');
    expect(htmlTag(byHeader.body)).toContain('lang="fr"');

    // A language nobody installed falls through to the tenant's default.
    expect(htmlTag((await new PortalVisitor(t, { 'accept-language': 'tlh' }).get('/')).body)).toContain('lang="de"');

    const visitor = new PortalVisitor(t, { 'accept-language': 'de' });
    const switched = await visitor.get('/language?lang=en&back=%2Freset');
    expect(switched.statusCode).toBe(303);
    expect(switched.headers.location).toBe('/reset');
    const cookie = setCookies(switched).find((c) => c.startsWith('unlatch_lang='));
    expect(cookie).toMatch(/^unlatch_lang=en;/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=31536000/);
    const after = await visitor.follow(switched);
    expect(htmlTag(after.body)).toContain('lang="en"');
  });

  it('never redirects off the site and ignores a language that is not loaded', async () => {
    const visitor = new PortalVisitor(t);
    for (const back of ['https://evil.example', '//evil.example', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await visitor.get(`/language?lang=ar&back=${encodeURIComponent(back)}`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/');
    }
    const unknown = await new PortalVisitor(t).get('/language?lang=xx-evil&back=/');
    expect(setCookies(unknown).some((c) => c.startsWith('unlatch_lang='))).toBe(false);
  });

  it('offers a switcher of links on portal and console pages: each language named in itself, no script needed', async () => {
    const page = await new PortalVisitor(t).get('/reset');
    const nav = /<nav class="language-switch"[^>]*>[\s\S]*?<\/nav>/.exec(page.body)?.[0] ?? '';
    expect(nav).toContain(`aria-label="${text('de', 'portal', 'layout.language')}"`);
    expect(nav).toContain('<a href="/language?lang=de&amp;back=%2Freset" lang="de" hreflang="de" dir="ltr" aria-current="true">Deutsch</a>');
    expect(nav).toContain('lang="ar" hreflang="ar" dir="rtl">العربية</a>');
    expect(nav).toContain('lang="en" hreflang="en" dir="ltr">English</a>');
    expect(nav).not.toContain('<script');
    // The emailed link's token never rides along into the switcher's links (nor its log line).
    const linkPage = await new PortalVisitor(t).get('/reset/link?token=s3cretT0ken');
    expect(linkPage.body).toContain('back=%2Freset%2Flink"');
    expect(/<nav class="language-switch"[\s\S]*?<\/nav>/.exec(linkPage.body)?.[0]).not.toContain('s3cretT0ken');

    // The demo operator, through the console's pages (two tenants: the sign-in names one).
    const operator = new PortalVisitor(t);
    t.clock.advance(31);
    await operator.get('/admin/sign-in');
    await operator.post('/admin/sign-in', { tenant: 'demo', username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
    await operator.get('/admin/sign-in/verify');
    const signedIn = await operator.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
    expect(signedIn.headers.location).toBe('/admin');
    const console = await operator.get('/admin/t/demo/people');
    expect(htmlTag(console.body)).toContain('lang="de"');
    expect(htmlTag(console.body)).toContain('dir="ltr"');
    expect(console.body).toContain('class="language-switch console-language"');
    expect(console.body).toContain('href="/language?lang=ar&amp;back=%2Fadmin%2Ft%2Fdemo%2Fpeople"');
    await operator.get('/language?lang=ar&back=/admin/t/demo/people');
    const arabic = await operator.get('/admin/t/demo/people');
    expect(htmlTag(arabic.body)).toContain('lang="ar"');
    expect(htmlTag(arabic.body)).toContain('dir="rtl"');
  });

  it('lays Arabic pages out right to left and keeps the code field left to right', async () => {
    const visitor = new PortalVisitor(t, { 'accept-language': 'ar' });
    const started = await visitor.fill('/reset', { identifier: ALICE.username });
    const codePage = await visitor.follow(started);
    expect(htmlTag(codePage.body)).toMatch(/lang="ar" dir="rtl"/);
    expect(codePage.body).toMatch(/<input id="code"[^>]*dir="ltr"/);
  });

  it('mails a reset started in German in German, even when the next step comes from an English browser', async () => {
    const visitor = new PortalVisitor(t, { 'accept-language': 'de-DE' });
    await visitor.follow(await visitor.fill('/reset', { identifier: ALICE.username }));
    await t.deliverMail();
    const [mail] = await t.mailsTo(ALICE.email);
    expect(mail!.subject).toBe(text('de', 'mail', 'reset_code.subject').replace('{{tenantName}}', 'Demo Company'));
    expect(mail!.html).toContain('lang="de"');
    // The person switches the pages to English half way: the flow's messages stay in the language it began in.
    await visitor.follow(await visitor.get('/language?lang=en&back=/reset/code'));
    const code = await t.codeFor(ALICE.email);
    const password = await visitor.follow(await visitor.post('/reset/code', { code }));
    expect(htmlTag(password.body)).toContain('lang="en"');
    const done = await visitor.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);
    await t.deliverMail();
    const [notice] = await t.mailsTo(ALICE.email);
    expect(notice!.subject).toBe(text('de', 'mail', 'password_changed.subject').replace('{{tenantName}}', 'Demo Company'));
  });

  it('mails a code asked for on a French page in French (outside any flow: the language of the request)', async () => {
    const v = new PortalVisitor(t, { 'accept-language': 'fr' });
    // Bob has no second method: the password alone signs him in.
    const signedIn = await v.fill('/security-info/sign-in', { tenant: 'demo', identifier: BOB.username, password: BOB.password });
    expect(signedIn.headers.location).toBe('/security-info');
    const sent = await v.fill('/security-info/email', { email: 'bob.private@example.net' });
    expect(sent.statusCode, sent.body).toBeLessThan(400);
    await t.deliverMail();
    const [mail] = await t.mailsTo('bob.private@example.net');
    expect(mail!.subject).toBe(text('fr', 'mail', 'address_code.subject').replace('{{tenantName}}', 'Demo Company'));
  });

  it('answers API problems in the language of Accept-Language', async () => {
    const res = await t.server.inject({ method: 'POST', url: '/api/v1/reset', headers: { 'content-type': 'application/json', 'accept-language': 'de' }, payload: '{}' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'invalid_request', title: text('de', 'errors', 'invalid_request') });
    const english = await t.server.inject({ method: 'POST', url: '/api/v1/reset', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, payload: '{}' });
    expect(english.json()).toMatchObject({ title: 'The request is not valid.' });
  });

  it('shows an overridden text for its tenant only', async () => {
    const english = { 'accept-language': 'en' };
    const demo = await new PortalVisitor(t, english).get('/');
    expect(demo.body).toContain(text('en', 'portal', 'layout.service'));
    expect(demo.body).not.toContain('Acme password desk');
    // A form naming tenant acme renders with acme's texts (an empty identifier: the page comes back with an error).
    const visitor = new PortalVisitor(t, english);
    await visitor.get('/reset');
    const acme = await visitor.post('/reset', { tenant: 'acme', identifier: '' });
    expect(visibleText(acme.body)).toContain('Acme password desk');
  });
});
