import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, STRONG_PASSWORD } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const ORIGIN = 'https://reset.example.org';
const RP_ID = 'reset.example.org';

interface Options {
  challenge: string;
  rpId?: string;
  allowCredentials?: Array<{ id: string }>;
  user?: { id: string; name: string };
}

/** The CSRF token a passkey form carries for /assets/passkeys.js (an input without a name, never submitted). */
function passkeyCsrf(html: string): string {
  const token = /<input type="hidden" data-passkey-csrf value="([^"]+)">/.exec(html)?.[1];
  if (!token) throw new Error(`no passkey form on the page:\n${html.slice(0, 2000)}`);
  return token;
}

describe('portal: passkeys — adding one, signing in with it, resetting with it', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /**
   * What /assets/passkeys.js does: a JSON POST with the visitor's cookies (by path) and the page's CSRF
   * token in the `csrf-token` header; the cookies set by the answer are kept.
   */
  const postJson = async (v: PortalVisitor, url: string, body: object, csrf = passkeyCsrf(v.lastPage)): Promise<LightMyRequestResponse> => {
    const path = url.split('?')[0]!;
    const cookie = [...v.cookies]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${encodeURIComponent(c.value)}`)
      .join('; ');
    const res = await t!.server.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', accept: 'application/json', 'csrf-token': csrf, ...(cookie ? { cookie } : {}) },
      payload: JSON.stringify(body),
    });
    for (const c of res.cookies as Array<{ name: string; value: string; path?: string; maxAge?: number; expires?: Date }>) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() <= Date.now())) v.cookies.delete(c.name);
      else v.cookies.set(c.name, { value: c.value, path: c.path ?? '/' });
    }
    return res;
  };

  const signedIn = async (user: { username: string; password: string }): Promise<{ v: PortalVisitor; landed: LightMyRequestResponse }> => {
    const v = new PortalVisitor(t!);
    const res = await v.fill('/security-info/sign-in', { identifier: user.username, password: user.password });
    return { v, landed: await v.follow(res) };
  };

  /** Signs alice in with her password and adds a passkey on the portal's pages, as the script would. */
  const addPasskey = async (name = 'Laptop'): Promise<SoftAuthenticator> => {
    const { v } = await signedIn(ALICE);
    const page = await v.get('/security-info/passkey');
    expect(page.statusCode).toBe(200);
    const options = await postJson(v, '/security-info/passkey/options', { name });
    expect(options.statusCode, options.body).toBe(200);
    const authenticator = new SoftAuthenticator(ORIGIN, RP_ID);
    const finished = await postJson(v, '/security-info/passkey', { name, response: authenticator.create(options.json() as Options) });
    expect(finished.statusCode, finished.body).toBe(200);
    expect(finished.json()).toEqual({ next: '/security-info?done=passkey_added' });
    const list = visibleText((await v.get('/security-info?done=passkey_added')).body);
    expect(list).toContain('Your passkey has been added.');
    expect(list).toContain(name);
    expect(list).toContain('Passkey or security key');
    return authenticator;
  };

  /** A visitor at /reset/code of a reset started for `identifier`. */
  const startedReset = async (identifier: string): Promise<PortalVisitor> => {
    const v = new PortalVisitor(t!);
    const started = await v.fill('/reset', { identifier });
    expect(started.headers.location).toBe('/reset/code');
    expect((await v.follow(started)).statusCode).toBe(200);
    return v;
  };

  it('the add page works with the script and says what is needed without it; the script and the library are served from here', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN } });
    const { v } = await signedIn(ALICE);
    expect(v.lastPage).toContain('href="/security-info/passkey"');
    const page = await v.get('/security-info/passkey');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="/assets/webauthn-browser.js" defer></script>');
    expect(page.body).toContain('<script src="/assets/passkeys.js" defer></script>');
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(visibleText(page.body)).toContain('need a browser with JavaScript');
    // The button appears only when the script runs.
    expect(page.body).toMatch(/<button type="submit" class="button" hidden>Add passkey<\/button>/);
    for (const url of ['/assets/passkeys.js', '/assets/webauthn-browser.js']) {
      const asset = await t.server.inject({ method: 'GET', url });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['content-type']).toContain('text/javascript');
    }
    expect((await t.server.inject({ method: 'GET', url: '/assets/webauthn-browser.js' })).body).toContain('SimpleWebAuthnBrowser');
  });

  it('refuses the JSON endpoints without the CSRF token, and sends people without a session to sign in', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN } });
    const { v } = await signedIn(ALICE);
    await v.get('/security-info/passkey');
    expect((await postJson(v, '/security-info/passkey/options', {}, 'forged')).statusCode).toBe(403);
    const stranger = new PortalVisitor(t);
    await stranger.get('/reset');
    const token = /name="_csrf" value="([^"]+)"/.exec(stranger.lastPage)![1]!;
    const res = await postJson(stranger, '/security-info/passkey/options', {}, token);
    expect(res.json()).toEqual({ next: '/security-info/sign-in' });
  });

  it('adds a passkey, then signs in with password + passkey (no loop back to sign-in), resets with it, and lists/removes it', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN } });
    const authenticator = await addPasskey();
    await t.deliverMail();
    expect((await t.mailsTo(ALICE.email)).length).toBeGreaterThan(0);

    // Sign-in step-up: the verify page offers the passkey (and no code form: alice has no code method).
    const { v, landed } = await signedIn(ALICE);
    expect(landed.statusCode).toBe(200);
    expect(visibleText(landed.body)).toContain('Use your passkey');
    expect(landed.body).not.toContain('name="code"');
    const wrong = new SoftAuthenticator(ORIGIN, RP_ID);
    const signInOptions = (await postJson(v, '/security-info/verify/passkey/options', {})).json() as Options;
    expect(signInOptions.allowCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    const refused = await postJson(v, '/security-info/verify/passkey', { credential: wrong.get(signInOptions) });
    expect(refused.statusCode).toBe(422);
    expect((refused.json() as { error: string }).error).toMatch(/attempts left/);
    const options = (await postJson(v, '/security-info/verify/passkey/options', {})).json() as Options;
    const proven = await postJson(v, '/security-info/verify/passkey', { credential: authenticator.get(options) });
    expect(proven.json()).toEqual({ next: '/security-info' });
    const list = await v.get('/security-info');
    expect(list.statusCode).toBe(200);
    expect(visibleText(list.body)).toContain('Laptop');

    // Reset with the passkey.
    const r = await startedReset(ALICE.username);
    expect(visibleText(r.lastPage)).toContain('Use a passkey');
    const resetOptions = await postJson(r, '/reset/passkey/options', {});
    expect(resetOptions.statusCode, resetOptions.body).toBe(200);
    expect((resetOptions.json() as Options).allowCredentials).toEqual([]);
    const bad = await postJson(r, '/reset/passkey', { credential: wrong.get(resetOptions.json() as Options) });
    expect(bad.statusCode).toBe(422);
    expect((bad.json() as { error: string }).error).toMatch(/attempts left/);
    const good = await postJson(r, '/reset/passkey', { credential: authenticator.get((await postJson(r, '/reset/passkey/options', {})).json() as Options) });
    expect(good.json()).toEqual({ next: '/reset/password' });
    const pw = await r.get('/reset/password');
    expect(pw.statusCode).toBe(200);
    const done = await r.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);

    // Listed like other methods and removable (signed in with the new password and the passkey).
    const again = await signedIn({ username: ALICE.username, password: STRONG_PASSWORD });
    const o = (await postJson(again.v, '/security-info/verify/passkey/options', {})).json() as Options;
    expect((await postJson(again.v, '/security-info/verify/passkey', { credential: authenticator.get(o) })).json()).toEqual({ next: '/security-info' });
    const page = await again.v.get('/security-info');
    // "Remove" asks first, on a page of its own, whose red button posts the removal.
    const methodId = decodeURIComponent(/href="\/security-info\/remove\?methodId=([^"]+)"/.exec(page.body)![1]!);
    const confirm = await again.v.get(`/security-info/remove?methodId=${encodeURIComponent(methodId)}`);
    expect(confirm.body).toContain(`name="methodId" value="${methodId}"`);
    const removed = await again.v.post('/security-info/remove', { methodId });
    expect(removed.headers.location).toBe('/security-info?done=removed');
  });

  it('shows the same passkey button to an unknown account, whose passkey answer fails like a wrong one', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN } });
    const v = await startedReset('nobody-here');
    expect(visibleText(v.lastPage)).toContain('Use a passkey');
    const options = await postJson(v, '/reset/passkey/options', {});
    expect(options.statusCode).toBe(200);
    expect((options.json() as Options).allowCredentials).toEqual([]);
    const res = await postJson(v, '/reset/passkey', { credential: new SoftAuthenticator(ORIGIN, RP_ID).get(options.json() as Options) });
    expect(res.statusCode).toBe(422);
  });

  it('with two proofs required: the email code, then the passkey offered on /reset/second', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN, policy: { default: { requiredMethods: 2 } } } });
    const authenticator = await addPasskey('YubiKey');
    const v = await startedReset(ALICE.username);
    const first = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect(first.headers.location).toBe('/reset/second');
    const second = await v.follow(first);
    expect(second.statusCode).toBe(200);
    expect(visibleText(second.body)).toContain('Passkey “YubiKey”');
    expect(second.body).toContain('data-passkey="authenticate"');
    const options = (await postJson(v, '/reset/passkey/options', {})).json() as Options;
    const proven = await postJson(v, '/reset/passkey', { credential: authenticator.get(options) });
    expect(proven.json()).toEqual({ next: '/reset/password' });
    expect((await v.get('/reset/password')).statusCode).toBe(200);
  });

  it('with two proofs required: the passkey first, then the email code', async () => {
    t = await startTestApp({ overrides: { publicUrl: ORIGIN, policy: { default: { requiredMethods: 2 } } } });
    const authenticator = await addPasskey();
    const v = await startedReset(ALICE.username);
    const options = (await postJson(v, '/reset/passkey/options', {})).json() as Options;
    const proven = await postJson(v, '/reset/passkey', { credential: authenticator.get(options) });
    expect(proven.json()).toEqual({ next: '/reset/second' });
    const second = await v.get('/reset/second');
    expect(second.statusCode).toBe(200);
    const res = await v.post('/reset/second', { method: 'email_code', code: await t.codeFor(ALICE.email) });
    expect(res.headers.location).toBe('/reset/password');
  });
});
