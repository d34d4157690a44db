import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { readCatalogues } from '../helpers/i18n-catalogue.js';
import { PortalVisitor, visibleText as pageText } from './portal-forms.js';

// The real catalogues: the test asserts the texts the installed languages carry.
const catalogues = readCatalogues(new URL('../../locales', import.meta.url).pathname);
const text = (lng: string, ns: string, key: string) => catalogues[lng]?.[ns]?.get(key) ?? '';

/** What a person reads, without the invisible isolates around names. */
const visibleText = (html: string): string => pageText(html).replace(/[\u2068\u2069]/g, '');
const htmlTag = (body: string): string => /<html[^>]*>/.exec(body)?.[0] ?? '';

const GLOBAL_SUPPORT = 'servicedesk@global.example';

/**
 * One function decides a page's tenant (`pageTenantOf`): the look, the default language and the texts of a page all
 * follow it, so a `?tenant=acme` link shows acme's colours in acme's language; the "this wasn't me" page names that
 * tenant's helpdesk (the notice's link names the tenant), else the global `mail.supportContact`.
 */
describe("the page's tenant: look, language and helpdesk together", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        publicUrl: 'https://reset.example.org',
        mail: { supportContact: GLOBAL_SUPPORT },
        tenants: [
          { id: 'demo', name: 'Demo Company', defaultLanguage: 'de' },
          { id: 'acme', name: 'Acme Corp', defaultLanguage: 'fr', branding: { primaryColor: '#5b21b6', support: { phone: '+33 1 23 45 67 89', email: 'aide@acme.example' } } },
        ],
        defaultTenant: 'demo',
      } as never,
    });
    await t.app.users.insert({ tenantId: 'acme', username: 'dave', email: 'dave@acme.example', displayName: 'Dave Doe' }, t.clock.now());
  });
  afterAll(async () => t?.close());

  it("a link naming a tenant gives its default language with its look, and the following pages keep both", async () => {
    const visitor = new PortalVisitor(t);
    const acme = await visitor.get('/reset?tenant=acme');
    expect(htmlTag(acme.body)).toContain('lang="fr"');
    expect(acme.body).toContain(text('fr', 'portal', 'reset_start.title'));
    expect(acme.body).toMatch(/<link rel="stylesheet" href="\/assets\/brand\/acme\.css\?v=/);
    // The next page names no tenant: the remembered one decides look and language alike.
    const next = await visitor.get('/unlock');
    expect(htmlTag(next.body)).toContain('lang="fr"');
    expect(next.body).toMatch(/assets\/brand\/acme\.css/);

    // Without the link: the default tenant's language and look.
    const plain = await new PortalVisitor(t).get('/reset');
    expect(htmlTag(plain.body)).toContain('lang="de"');
    expect(plain.body).toMatch(/assets\/brand\/demo\.css/);

    // The browser's own language still comes before the tenant's default.
    const english = await new PortalVisitor(t, { 'accept-language': 'en' }).get('/reset?tenant=acme');
    expect(htmlTag(english.body)).toContain('lang="en"');
    expect(english.body).toMatch(/assets\/brand\/acme\.css/);

    // A link naming no configured tenant changes nothing.
    const unknown = await new PortalVisitor(t).get('/reset?tenant=nope');
    expect(htmlTag(unknown.body)).toContain('lang="de"');
  });

  it("a form naming a tenant answers in that tenant's language, even over a remembered other tenant", async () => {
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset?tenant=demo');
    const refused = await visitor.post('/reset', { tenant: 'acme', identifier: '' });
    expect(refused.statusCode).toBe(422);
    expect(htmlTag(refused.body)).toContain('lang="fr"');
    expect(visibleText(refused.body)).toContain(text('fr', 'portal', 'reset_start.identifier.required'));
  });

  /** A whole reset by the person through the API; returns the notice's "this wasn't me" link (path and query). */
  async function resetAndReportLink(tenant: string, username: string, address: string): Promise<string> {
    const api = (url: string, payload: object) => t.server.inject({ method: 'POST', url, payload, headers: { 'accept-language': 'en' } });
    const { flowId } = (await api('/api/v1/reset', { tenant, identifier: username })).json() as { flowId: string };
    const code = await t.codeFor(address);
    expect((await api(`/api/v1/reset/${flowId}/verify`, { code })).statusCode).toBe(200);
    expect((await api(`/api/v1/reset/${flowId}/password`, { password: 'lantern orchard mosaic 52' })).statusCode).toBe(200);
    await t.deliverMail();
    const notice = (await t.mailsTo(address)).find((m) => /report\?token=/.test(m.text));
    expect(notice, `a notice with a report link to ${address}`).toBeDefined();
    const link = /https:\/\/reset\.example\.org(\/report\?token=[A-Za-z0-9_%-]+(?:&tenant=[a-z0-9-]+)?)/.exec(notice!.text)?.[1];
    expect(link, notice!.text).toBeDefined();
    return link!;
  }

  it("the notice's report link names its tenant; the report pages have that tenant's look, language and helpdesk", async () => {
    const link = await resetAndReportLink('acme', 'dave', 'dave@acme.example');
    expect(link).toMatch(/&tenant=acme$/);
    const token = decodeURIComponent(/token=([^&]+)/.exec(link)![1]!);

    const visitor = new PortalVisitor(t);
    const confirm = await visitor.get(link);
    expect(confirm.statusCode).toBe(200);
    expect(htmlTag(confirm.body)).toContain('lang="fr"');
    expect(confirm.body).toMatch(/assets\/brand\/acme\.css/);
    const done = await visitor.fill(link, { token });
    expect(done.statusCode).toBe(200);
    const page = visibleText(done.body);
    expect(page).toContain(text('fr', 'portal', 'report_done.title'));
    expect(done.body).toContain('href="tel:+33123456789"');
    expect(done.body).toContain('href="mailto:aide@acme.example"');
    expect(page).toContain(text('fr', 'portal', 'report_done.next_contact'));
    expect(page).not.toContain(GLOBAL_SUPPORT);
    // The report itself went through: self-service is paused for dave (acme's account).
    expect(await t.app.database.db.selectFrom('self_service_holds').selectAll().where('tenant_id', '=', 'acme').execute()).toHaveLength(1);
  });

  it('a tenant without a helpdesk of its own names the global contact there', async () => {
    const link = await resetAndReportLink('demo', 'bob', 'bob@example.com');
    expect(link).toMatch(/&tenant=demo$/);
    const token = decodeURIComponent(/token=([^&]+)/.exec(link)![1]!);
    const done = await new PortalVisitor(t, { 'accept-language': 'en' }).fill(link, { token });
    expect(done.statusCode).toBe(200);
    const page = visibleText(done.body);
    expect(page).toContain(text('en', 'portal', 'report_done.next_contact_support').replace('{{support}}', GLOBAL_SUPPORT));
    expect(done.body).not.toContain('brand-support-heading');
  });
});
