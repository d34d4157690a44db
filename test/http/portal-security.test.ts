import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { csrfOf, formBody, PortalVisitor, setCookies, visibleText } from './portal-forms.js';

describe('portal: CSRF, input shape and headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, body: string, cookie?: string) =>
    t.server.inject({
      method: 'POST',
      url,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      payload: body,
    });

  it('refuses a POST without a CSRF token with a 403 page, and starts nothing', async () => {
    const v = new PortalVisitor(t);
    await v.get('/reset');
    const res = await v.post('/reset', { _csrf: '', identifier: ALICE.username });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(res.body)).toContain('This form has expired. Please reload the page and try again.');
    expect(setCookies(res).some((c) => c.startsWith('unlatch_reset='))).toBe(false);
    // Leaving the field out entirely is the same.
    const csrfCookie = `unlatch_csrf=${encodeURIComponent(v.cookies.get('unlatch_csrf')?.value ?? '')}`;
    expect((await post('/reset', formBody({ identifier: ALICE.username }), csrfCookie)).statusCode).toBe(403);
    await t.deliverMail();
    expect(await t.mailsTo(ALICE.email)).toHaveLength(0);
  });

  it('refuses a wrong token, a token without its cookie, and a token from another visitor', async () => {
    const v = new PortalVisitor(t);
    await v.get('/reset');
    const token = csrfOf(v.lastPage);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect((await v.post('/reset', { _csrf: tampered, identifier: ALICE.username })).statusCode).toBe(403);
    // The token alone, without the secret cookie (a cross-site form cannot send the SameSite=Strict cookie).
    expect((await post('/reset', formBody({ _csrf: token, identifier: ALICE.username }))).statusCode).toBe(403);
    // Another visitor's token with this visitor's cookie.
    const other = new PortalVisitor(t);
    await other.get('/reset');
    expect((await v.post('/reset', { _csrf: csrfOf(other.lastPage), identifier: ALICE.username })).statusCode).toBe(403);
    // The right pair works: the refusals above were about the token.
    expect((await v.post('/reset', { _csrf: token, identifier: ALICE.username })).statusCode).toBe(303);
  });

  it('protects every form: code, password and change POSTs need the token too', async () => {
    const forms: Record<string, Record<string, string>> = {
      '/reset/code': { code: '123456' },
      '/reset/password': { password: 'marble kestrel outpost', confirm: 'marble kestrel outpost' },
      '/change': { identifier: ALICE.username, currentPassword: ALICE.password, newPassword: 'marble kestrel outpost', confirmPassword: 'marble kestrel outpost' },
    };
    for (const [url, fields] of Object.entries(forms)) {
      const res = await post(url, formBody(fields));
      expect(res.statusCode, url).toBe(403);
    }
  });

  it('refuses a repeated field with a 400 page, not a 500 and not a reset of either account', async () => {
    const v = new PortalVisitor(t);
    await v.get('/reset');
    const res = await v.post('/reset', { identifier: [ALICE.username, 'bob'] });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(res.body)).toContain('The request is not valid.');
    expect(res.body).not.toMatch(/at \w+ \(|node_modules|stack/i);
    // A repeated CSRF token and an unknown field are refused the same way.
    const page = await v.get('/reset');
    const token = csrfOf(page.body);
    expect((await v.post('/reset', { _csrf: [token, token], identifier: ALICE.username })).statusCode).toBe(400);
    expect((await v.post('/reset', { _csrf: token, identifier: ALICE.username, email: 'evil@example.com' })).statusCode).toBe(400);
    const change = await v.fill('/change', { identifier: ALICE.username, currentPassword: ['a', 'b'], newPassword: 'x', confirmPassword: 'x' });
    expect(change.statusCode).toBe(400);
  });

  it('sends a strict CSP, no-store and no-referrer on every flow page, and no inline style or script', async () => {
    const v = new PortalVisitor(t);
    const pages = [await v.get('/'), await v.get('/reset')];
    const started = await v.post('/reset', { identifier: ALICE.username });
    pages.push(started, await v.follow(started));
    const verified = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    pages.push(verified, await v.follow(verified), await v.get('/reset/done'), await v.get('/change'), await v.get('/no-such-page'));
    for (const res of pages) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      // Scripts only from our own /assets (passkeys enhance the pages), never inline.
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/)|\sstyle=|<style|\son[a-z]+=/i);
      for (const tag of res.body.match(/<script[^>]*>/gi) ?? []) expect(tag).toMatch(/^<script src="\/assets\/[a-z-]+\.js" defer>$/);
    }
  });

  it('serves the stylesheet from its own address', async () => {
    const css = await t.server.inject({ method: 'GET', url: '/assets/portal.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain(':focus-visible');
    expect((await t.server.inject({ method: 'GET', url: '/' })).body).toContain('<link rel="stylesheet" href="/assets/portal.css">');
  });

  it('renders unknown addresses as a 404 page, and keeps problem JSON under /api', async () => {
    const page = await t.server.inject({ method: 'GET', url: '/nothing/here', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(page.body)).toContain('There is nothing at this address.');
    const api = await t.server.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('escapes what the visitor typed when it is shown again', async () => {
    const v = new PortalVisitor(t);
    const res = await v.follow(await v.fill('/change', { identifier: '"><b>x</b>', currentPassword: '', newPassword: '', confirmPassword: '' }));
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<b>x</b>');
    expect(res.body).toContain('value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"');
  });
});

describe('portal: cookies over https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { publicUrl: 'https://sspr.example.org' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks the flow and CSRF cookies Secure when the public URL is https', async () => {
    const v = new PortalVisitor(t);
    const form = await v.get('/reset');
    const csrfCookie = setCookies(form).find((c) => c.startsWith('unlatch_csrf='));
    expect(csrfCookie).toMatch(/; Secure/);
    expect(csrfCookie).toMatch(/; HttpOnly/);
    expect(csrfCookie).toMatch(/; SameSite=Strict/);
    const started = await v.post('/reset', { identifier: ALICE.username });
    expect(started.statusCode).toBe(303);
    const flowCookie = setCookies(started).find((c) => c.startsWith('unlatch_reset='));
    expect(flowCookie).toMatch(/; Secure/);
  });
});
