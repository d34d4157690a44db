import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieFetch, csrfIn, signInAtProvider } from '../helpers/cookie-fetch.js';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startTestOidcProvider, type TestOidcProvider } from '../helpers/test-oidc-provider.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';

/** Where a page's `Refresh: 0;url=…` header sends the browser. */
function refreshTarget(res: Response): string {
  const target = /^0;url=(.+)$/.exec(res.headers.get('refresh') ?? '')?.[1];
  if (!target) throw new Error(`no Refresh header (status ${res.status})`);
  return target;
}

const TENANTS = [{ id: 'demo', name: 'Demo Company', operators: [{ group: 'unlatch-admins', role: 'admin' as const }] }];

/** Console sign-in through a real OpenID Provider (oidc-provider), driven over HTTP as a browser without JavaScript. */
describe('console sign-in through OpenID Connect', () => {
  let op: TestOidcProvider;
  let t: TestApp;
  let base: string;
  let callbackUrl: string;

  beforeAll(async () => {
    op = await startTestOidcProvider();
    t = await startTestApp({
      listen: true,
      overrides: { tenants: TENANTS, admin: { oidc: { issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, label: 'Sign in with Example SSO' } } },
    });
    base = t.baseUrl!;
    callbackUrl = `${base}/admin/sign-in/oidc/callback`;
    op.configure(callbackUrl);
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  /** From the console's sign-in page to the provider's redirect back (not yet followed). */
  async function startAt(browser: CookieFetch, login: string): Promise<URL> {
    const page = await browser.get(`${base}/admin/sign-in`);
    const html = await page.text();
    expect(html).toContain('Sign in with Example SSO');
    const started = await browser.post(`${base}/admin/sign-in/oidc`, { _csrf: csrfIn(html) });
    // A page that moves on by itself (Refresh), not a 303: the CSP's form-action 'self' would block that.
    expect(started.status).toBe(200);
    const authorization = new URL(refreshTarget(started));
    expect(await started.text()).toContain(`href="${authorization.href.replace(/&/g, '&amp;')}"`);
    expect(authorization.origin).toBe(op.issuer);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(authorization.searchParams.get('nonce')).toBeTruthy();
    const stateCookie = started.headers.getSetCookie().find((c) => c.startsWith('unlatch_admin_oidc='));
    expect(stateCookie).toMatch(/HttpOnly/);
    expect(stateCookie).toMatch(/SameSite=Lax/);
    expect(stateCookie).toMatch(/Path=\/admin\/sign-in\/oidc/);
    return signInAtProvider(browser, authorization.href, callbackUrl, login);
  }

  async function adminAudit(): Promise<Array<{ event: string; outcome: string; actor: string; details: Record<string, unknown> }>> {
    const rows = await t.app.database.db.selectFrom('audit_log').select(['event', 'outcome', 'actor', 'details']).where('event', 'like', 'admin.signin%').orderBy('seq').execute();
    return rows.map((r) => ({ ...r, details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? {}) }));
  }

  it('signs a member of the admin group in: the console session works and the sign-in is audited', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    expect(back.searchParams.get('code')).toBeTruthy();
    const done = await browser.get(back);
    expect(done.status).toBe(200);
    expect(refreshTarget(done)).toBe('/admin');
    const session = done.headers.getSetCookie().find((c) => c.startsWith('unlatch_admin='));
    expect(session).toMatch(/HttpOnly/);
    expect(browser.cookies.has('unlatch_admin_oidc')).toBe(false);
    const consoleHome = await browser.get(`${base}/admin`);
    expect(consoleHome.status).toBe(303);
    expect(consoleHome.headers.get('location')).toMatch(/^\/admin\/t\/demo\//);
    // A visitor without the session cookie is sent to sign in: the difference is the session.
    const stranger = await new CookieFetch().get(`${base}/admin`);
    expect(stranger.headers.get('location')).toBe('/admin/sign-in');
    const completed = (await adminAudit()).find((e) => e.event === 'admin.signin_completed');
    expect(completed?.details.via).toBe('oidc');
    expect(completed?.actor).toBe('operator:demo/ada');
  });

  it('refuses a person whose groups hold no console role, and audits why', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'bob');
    const res = await browser.get(back);
    expect(res.status).toBe(401);
    expect(visibleText(await res.text())).toContain('your account has no console role');
    expect([...browser.cookies.keys()]).not.toContain('unlatch_admin');
    const failed = (await adminAudit()).filter((e) => e.event === 'admin.signin_failed' && e.details.via === 'oidc');
    expect(failed.some((e) => e.details.reason === 'no_role')).toBe(true);
  });

  it('refuses a callback whose state was tampered with', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    back.searchParams.set('state', `${back.searchParams.get('state')}x`);
    const res = await browser.get(back);
    expect(res.status).toBe(401);
    expect(visibleText(await res.text())).toContain('did not complete');
    expect([...browser.cookies.keys()]).not.toContain('unlatch_admin');
    expect((await adminAudit()).some((e) => e.event === 'admin.signin_failed' && e.details.reason === 'state_mismatch')).toBe(true);
  });

  it('refuses a callback that no sign-in of this browser started (no state cookie)', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    const other = new CookieFetch();
    const res = await other.get(back);
    expect(res.status).toBe(401);
    expect([...other.cookies.keys()]).not.toContain('unlatch_admin');
  });

  it('refuses a signed state cookie that was altered', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    const cookie = browser.cookies.get('unlatch_admin_oidc')!;
    browser.cookies.set('unlatch_admin_oidc', { ...cookie, value: cookie.value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
    const res = await browser.get(back);
    expect(res.status).toBe(401);
  });

  it('shows the provider\'s refusal (error=access_denied) as a failed sign-in', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    const denied = new URL(callbackUrl);
    denied.search = new URLSearchParams({ error: 'access_denied', state: back.searchParams.get('state') ?? '', iss: op.issuer }).toString();
    const res = await browser.get(denied);
    expect(res.status).toBe(401);
    expect((await adminAudit()).some((e) => e.event === 'admin.signin_failed' && e.details.reason === 'provider_error' && e.details.providerError === 'access_denied')).toBe(true);
  });

  it('does not accept the same code twice', async () => {
    const browser = new CookieFetch();
    const back = await startAt(browser, 'ada');
    // A copy of the state cookie, as an attacker replaying a captured callback would need.
    const saved = browser.cookies.get('unlatch_admin_oidc')!;
    expect(refreshTarget(await browser.get(back))).toBe('/admin');
    const replay = new CookieFetch();
    replay.cookies.set('unlatch_admin_oidc', saved);
    const res = await replay.get(back);
    expect(res.status).toBe(401);
    expect([...replay.cookies.keys()]).not.toContain('unlatch_admin');
    expect((await adminAudit()).some((e) => e.event === 'admin.signin_failed' && e.details.reason === 'code_rejected')).toBe(true);
  });

  it('starts only from a form with the CSRF token', async () => {
    const browser = new CookieFetch();
    await browser.get(`${base}/admin/sign-in`);
    const res = await browser.post(`${base}/admin/sign-in/oidc`, {});
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('console sign-in through OpenID Connect: provider down', () => {
  let t: TestApp;
  beforeAll(async () => {
    const closed = await freePort();
    t = await startTestApp({ overrides: { tenants: TENANTS, admin: { oidc: { issuer: `http://127.0.0.1:${closed}`, clientId: 'unlatch', clientSecret: 'x' } } } });
  });
  afterAll(async () => t?.close());

  it('says the provider cannot be reached (503 with Retry-After), audited, and offers the password sign-in', async () => {
    const visitor = new PortalVisitor(t);
    await visitor.get('/admin/sign-in');
    const res = await visitor.post('/admin/sign-in/oidc', {});
    expect(res.statusCode).toBe(503);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(visibleText(res.body)).toContain('cannot be reached right now');
    expect(res.body).toContain('name="password"');
    const rows = await t.app.database.db.selectFrom('audit_log').select(['event', 'details']).where('event', '=', 'admin.signin_failed').execute();
    expect(rows.some((r) => String(r.details).includes('provider_unreachable'))).toBe(true);
  });

  it('has no OIDC routes when admin.oidc is not configured', async () => {
    const plain = await startTestApp({ overrides: { tenants: TENANTS } });
    try {
      const page = await plain.server.inject({ method: 'GET', url: '/admin/sign-in' });
      expect(page.body).not.toContain('/admin/sign-in/oidc');
      const res = await plain.server.inject({ method: 'GET', url: '/admin/sign-in/oidc/callback?code=x&state=y' });
      expect(res.statusCode).toBe(404);
    } finally {
      await plain.close();
    }
  });
});
