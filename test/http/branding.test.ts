import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { brandFolder, PNG_BYTES, SAFE_SVG } from '../helpers/brand-files.js';
import { PortalVisitor, visibleText as pageText } from './portal-forms.js';

const files = brandFolder({ 'demo-logo.svg': SAFE_SVG, 'demo-icon.png': PNG_BYTES, 'acme-logo.png': PNG_BYTES });

const DEMO_BRANDING = {
  logo: files.path('demo-logo.svg'),
  favicon: files.path('demo-icon.png'),
  primaryColor: '#0b5d1e',
  support: { phone: '+49 30 1234 5678', email: 'help@demo.example', hours: 'Mon–Fri 8:00–18:00' },
  privacyUrl: 'https://demo.example/privacy',
};
const ACME_BRANDING = {
  logo: files.path('acme-logo.png'),
  primaryColor: '#5b21b6',
  support: { url: 'https://help.acme.example/' },
  privacyUrl: 'https://acme.example/privacy',
};

/** What a person reads, without the invisible isolates around the organisation's name and hours (for RTL pages). */
const visibleText = (html: string): string => pageText(html).replace(/[\u2068\u2069]/g, '');

/** The attribute values of every element matching `pattern`'s first group. */
const hrefOf = (html: string, pattern: RegExp): string => {
  const found = pattern.exec(html)?.[1];
  if (!found) throw new Error(`${pattern} not on the page:\n${html.slice(0, 1500)}`);
  return found.replace(/&amp;/g, '&');
};

describe('branding: two tenants, two looks', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The demo tenant rewords one mail text through i18n.overrides (its folder only), the way docs/branding.md shows.
    mkdirSync(join(files.dir, 'overrides', 'demo', 'en'), { recursive: true });
    writeFileSync(join(files.dir, 'overrides', 'demo', 'en', 'mail.json'), JSON.stringify({ 'reset_code.intro': 'Your Demo Company service desk sends this code:' }));
    const nobody = `ldap://127.0.0.1:${await freePort()}`;
    t = await startTestApp({
      overrides: {
        tenants: [
          { id: 'demo', name: 'Demo Company', branding: DEMO_BRANDING },
          { id: 'acme', name: 'Acme Corp', branding: ACME_BRANDING },
          {
            id: 'down', name: 'Down Inc', branding: { support: { phone: '+1 555 0100' } },
            directories: [{ type: 'ldap', url: nobody, insecure: true, bindDn: 'cn=svc,dc=down', bindPassword: 'unused', baseDn: 'dc=down', connectTimeoutMs: 2000 }],
          },
        ],
        defaultTenant: 'demo',
        i18n: { overrides: join(files.dir, 'overrides') },
      } as never,
    });
    await t.app.users.insert({ tenantId: 'acme', username: 'dave', email: 'dave@acme.example', displayName: 'Dave Doe' }, t.clock.now());
  });
  afterAll(async () => t?.close());

  it("shows the default tenant's name, logo, stylesheet, favicon and privacy link", async () => {
    const page = await new PortalVisitor(t).get('/reset');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<title>[^<]+ – Demo Company<\/title>/);
    expect(page.body).toMatch(/<a class="site-name" href="\/"><img class="site-logo" src="\/assets\/brand\/demo\/logo\?v=[\w-]{16}" alt="" height="40"><span>Demo Company<\/span><\/a>/);
    expect(page.body).toMatch(/<link rel="stylesheet" href="\/assets\/brand\/demo\.css\?v=[\w-]{16}">/);
    expect(page.body).toMatch(/<link rel="icon" href="\/assets\/brand\/demo\/favicon\?v=[\w-]{16}" type="image\/png">/);
    expect(page.body).toContain('<a href="https://demo.example/privacy">Privacy notice of \u2068Demo Company\u2069</a>');
    expect(page.body).not.toMatch(/<span>Acme Corp<\/span>|acme\.css|acme\.example/);
  });

  it('a link naming a tenant gives its look, which the following pages keep', async () => {
    const visitor = new PortalVisitor(t);
    const page = await visitor.get('/reset?tenant=acme');
    expect(page.body).toMatch(/<title>[^<]+ – Acme Corp<\/title>/);
    expect(page.body).toMatch(/<link rel="stylesheet" href="\/assets\/brand\/acme\.css\?v=/);
    expect(page.body).toContain('<option value="acme" selected>Acme Corp</option>');
    expect(page.body).toContain('<a href="https://acme.example/privacy">Privacy notice of \u2068Acme Corp\u2069</a>');
    // No favicon of its own: Unlatch's.
    expect(page.body).toContain('<link rel="icon" href="/favicon.ico">');
    expect(visitor.cookies.get('unlatch_brand')?.value).toBe('acme');
    const later = await visitor.get('/reset/done');
    expect(later.body).toMatch(/<title>[^<]+ – Acme Corp<\/title>/);
    // A name that is no tenant changes nothing.
    const unknown = await visitor.get('/reset?tenant=nosuch');
    expect(unknown.body).toMatch(/– Acme Corp<\/title>/);
  });

  it('serves each tenant its own colour, cached for long under its content hash', async () => {
    const demoCss = hrefOf((await new PortalVisitor(t).get('/')).body, /<link rel="stylesheet" href="(\/assets\/brand\/demo\.css[^"]+)">/);
    const acmeCss = hrefOf((await new PortalVisitor(t).get('/?tenant=acme')).body, /<link rel="stylesheet" href="(\/assets\/brand\/acme\.css[^"]+)">/);
    const demo = await t.server.inject({ method: 'GET', url: demoCss });
    const acme = await t.server.inject({ method: 'GET', url: acmeCss });
    expect(demo.statusCode).toBe(200);
    expect(demo.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(demo.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(demo.body).toContain('--brand-primary: #0b5d1e;');
    expect(acme.body).toContain('--brand-primary: #5b21b6;');
    expect(acme.body).not.toContain('#0b5d1e');
    expect(demo.body).toMatch(/\.button \{ background: var\(--brand-primary\); \}/);

    // Without the hash: a short cache, then the ETag answers 304.
    const plain = await t.server.inject({ method: 'GET', url: '/assets/brand/demo.css' });
    expect(plain.headers['cache-control']).toBe('public, max-age=300');
    const etag = String(plain.headers.etag);
    expect((await t.server.inject({ method: 'GET', url: '/assets/brand/demo.css', headers: { 'if-none-match': etag } })).statusCode).toBe(304);
    expect((await t.server.inject({ method: 'GET', url: '/assets/brand/nosuch.css' })).statusCode).toBe(404);
    expect((await t.server.inject({ method: 'GET', url: '/assets/brand/acme/favicon' })).statusCode).toBe(404);
  });

  it('serves the logos and favicons itself: an SVG under a CSP that runs nothing', async () => {
    const svg = await t.server.inject({ method: 'GET', url: '/assets/brand/demo/logo' });
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    expect(svg.headers['x-content-type-options']).toBe('nosniff');
    expect(svg.body).toBe(SAFE_SVG);
    const png = await t.server.inject({ method: 'GET', url: '/assets/brand/acme/logo' });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.equals(PNG_BYTES)).toBe(true);
    const icon = await t.server.inject({ method: 'GET', url: '/assets/brand/demo/favicon' });
    expect(icon.headers['content-type']).toBe('image/png');
  });

  it('answers /favicon.ico with Unlatch’s icon, never a 404', async () => {
    const icon = await t.server.inject({ method: 'GET', url: '/favicon.ico' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/x-icon');
    expect([...icon.rawPayload.subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    expect(icon.headers.etag).toMatch(/^"[\w-]{16}"$/);
  });

  it('shows the helpdesk on the done pages and where a reset has ended', async () => {
    const done = visibleText((await new PortalVisitor(t).get('/reset/done')).body);
    expect(done).toContain('Need help? The Demo Company helpdesk can help you: Phone: +49 30 1234 5678 Email: help@demo.example Opening hours: Mon–Fri 8:00–18:00');
    const changed = await new PortalVisitor(t).get('/change/done');
    expect(changed.statusCode).toBe(200);
    expect(changed.body).toContain('<a href="tel:+493012345678" dir="ltr">+49 30 1234 5678</a>');
    const ended = await new PortalVisitor(t).get('/reset/link?token=nosuchtoken');
    expect(ended.statusCode).toBe(410);
    expect(visibleText(ended.body)).toContain('This reset has ended');
    expect(ended.body).toContain('<a href="mailto:help@demo.example" dir="ltr">help@demo.example</a>');
    const acme = await new PortalVisitor(t).get('/reset/done?tenant=acme');
    expect(acme.body).toContain('<a href="https://help.acme.example/">\u2068Acme Corp\u2069 help page</a>');
    expect(acme.body).not.toContain('help@demo.example');
  });

  it("shows the tenant's helpdesk on the page of its directory's outage", async () => {
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset');
    const page = await visitor.post('/reset', { tenant: 'down', identifier: 'bob' });
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.body).toMatch(/<title>[^<]*Temporarily unavailable – Down Inc<\/title>/);
    expect(visibleText(page.body)).toContain('The Down Inc helpdesk can help you: Phone: +1 555 0100');
  });

  it("puts the tenant's band in its HTML mails, in its own colour", async () => {
    await new PortalVisitor(t).fill('/reset', { tenant: 'demo', identifier: 'alice' });
    await new PortalVisitor(t).fill('/reset', { tenant: 'acme', identifier: 'dave' });
    await t.deliverMail();
    const [demoMail] = await t.mailsTo('alice@example.com');
    const [acmeMail] = await t.mailsTo('dave@acme.example');
    expect(demoMail!.html).toContain('background-color:#0b5d1e;');
    expect(demoMail!.html).toContain(`<img src="${t.config.publicUrl}/assets/brand/demo/logo" alt="" height="40"`);
    expect(demoMail!.html).toMatch(/<div role="article"[^>]*>\n<div style="[^"]*"><img [^>]*><span style="[^"]*color:#ffffff;[^"]*">Demo Company<\/span><\/div>/);
    expect(acmeMail!.html).toContain('background-color:#5b21b6;');
    expect(acmeMail!.html).toMatch(/<span style="[^"]*">Acme Corp<\/span>/);
    expect(acmeMail!.html).not.toContain('#0b5d1e');
  });

  it("uses a tenant's own mail wording (i18n.overrides) for that tenant only", async () => {
    await new PortalVisitor(t).fill('/reset', { tenant: 'demo', identifier: 'bob' });
    await new PortalVisitor(t).fill('/reset', { tenant: 'acme', identifier: 'dave' });
    await t.deliverMail();
    const [demoMail] = await t.mailsTo('bob@example.com');
    const [acmeMail] = await t.mailsTo('dave@acme.example');
    expect(demoMail!.text).toContain('Your Demo Company service desk sends this code:');
    expect(demoMail!.html).toContain('Your Demo Company service desk sends this code:');
    expect(acmeMail!.text).not.toContain('service desk');
    expect(acmeMail!.text).toContain('Your password reset code for Acme Corp is:');
  });
});

describe('branding: the rate-limit page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', branding: { support: { phone: '+44 20 7946 0000', hours: '24/7' } } }],
        rateLimits: { start_ip: { points: 1, durationSeconds: 900 } },
      },
    });
  });
  afterAll(async () => t?.close());

  it('names the helpdesk when too many attempts were made', async () => {
    const visitor = new PortalVisitor(t);
    await visitor.fill('/reset', { identifier: 'alice' });
    const limited = await visitor.fill('/reset', { identifier: 'alice' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    const text = visibleText(limited.body);
    expect(text).toContain('Too many attempts');
    expect(text).toContain('The Demo Company helpdesk can help you: Phone: +44 20 7946 0000 Opening hours: 24/7');
    // One tenant: no choice, no cookie.
    expect(visitor.cookies.has('unlatch_brand')).toBe(false);
  });
});
