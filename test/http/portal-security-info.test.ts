import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, CAROL } from './api-client.js';
import { formBody, PortalVisitor, setCookies, visibleText } from './portal-forms.js';

type Person = { username: string; password: string };

/** The setup key as the page shows it (groups of four), without the spaces. */
function secretOf(html: string): string {
  const shown = /<code class="secret" aria-hidden="true">([A-Z2-7 ]+)<\/code>/.exec(html)?.[1];
  if (!shown) throw new Error(`no setup key on the page:\n${html.slice(0, 2000)}`);
  return shown.replace(/ /g, '');
}

function methodIdOf(html: string): string {
  const id = /<input type="hidden" name="methodId" value="([^"]+)">/.exec(html)?.[1];
  if (!id) throw new Error('no methodId on the page');
  return id;
}

/** The id the remove button of the method called `name` carries. */
function removeIdOf(html: string, name: string): string {
  // "Remove" links to its confirmation page (`/security-info/remove?methodId=…`), which posts the removal.
  const re = new RegExp(`<h3>${name}</h3>[\\s\\S]*?href="/security-info/remove\\?methodId=([^"]+)"`);
  const found = re.exec(html)?.[1];
  const id = found === undefined ? undefined : decodeURIComponent(found);
  if (!id) throw new Error(`no method "${name}" on the page`);
  return id;
}

function wrongCode(right: string): string {
  return String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');
}

function totpNowAt(t: TestApp, secret: string): string {
  return totpAt(secret, t.clock.now().getTime());
}

/** Signs in through the form; `keep` sees every response. */
async function signInAs(v: PortalVisitor, who: Person, keep: (res: LightMyRequestResponse) => LightMyRequestResponse = (r) => r): Promise<LightMyRequestResponse> {
  keep(await v.get('/security-info/sign-in'));
  return keep(await v.post('/security-info/sign-in', { identifier: who.username, password: who.password }));
}

/** Adds an authenticator app through the pages, confirming with a computed code; returns its secret. */
async function addTotpVia(t: TestApp, v: PortalVisitor, name?: string, keep: (res: LightMyRequestResponse) => LightMyRequestResponse = (r) => r): Promise<string> {
  const form = keep(await v.get('/security-info/totp'));
  expect(form.statusCode, form.body).toBe(200);
  const begun = keep(await v.post('/security-info/totp', name === undefined ? {} : { name }));
  expect(begun.statusCode, begun.body).toBe(200);
  const secret = secretOf(begun.body);
  const confirmed = keep(await v.post('/security-info/totp/confirm', { methodId: methodIdOf(begun.body), code: totpNowAt(t, secret) }));
  expect(confirmed.statusCode, confirmed.body).toBe(303);
  expect(confirmed.headers.location).toBe('/security-info?done=added');
  return secret;
}

describe('portal: security info pages', () => {
  let t: TestApp;
  /** Every response a visitor saw, to check headers on all of them. */
  const seen: LightMyRequestResponse[] = [];
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const totpNow = (secret: string) => totpNowAt(t, secret);
  const keep = (res: LightMyRequestResponse) => (seen.push(res), res);

  const signIn = (v: PortalVisitor, who: Person) => signInAs(v, who, keep);
  const addTotp = (v: PortalVisitor, name?: string) => addTotpVia(t, v, name, keep);

  it('sends people without a session to sign in, from every page and form', async () => {
    const v = new PortalVisitor(t);
    for (const url of ['/security-info', '/security-info/totp', '/security-info/verify']) {
      const res = await v.get(url);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/security-info/sign-in');
    }
    // A valid form token but no session: still sign in first, nothing changed.
    await v.get('/security-info/sign-in');
    const forms: Record<string, Record<string, string>> = {
      '/security-info/totp': { name: 'x' },
      '/security-info/totp/confirm': { methodId: 'x', code: '123456' },
      '/security-info/backup-codes': {},
      '/security-info/remove': { methodId: 'backup_codes' },
    };
    for (const [url, fields] of Object.entries(forms)) {
      const res = await v.post(url, fields);
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location, url).toBe('/security-info/sign-in');
    }
    // A forged (unsigned) session cookie counts as none.
    const forged = await t.server.inject({ method: 'GET', url: '/security-info', headers: { cookie: 'unlatch_session=abc' } });
    expect(forged.statusCode).toBe(303);
  });

  it('refuses every new POST without a CSRF token', async () => {
    const v = new PortalVisitor(t);
    expect((await signIn(v, CAROL)).statusCode).toBe(303);
    const session = v.cookies.get('unlatch_session')!.value;
    const forms: Record<string, Record<string, string>> = {
      '/security-info/sign-in': { identifier: CAROL.username, password: CAROL.password },
      '/security-info/verify': { method: 'totp', code: '123456' },
      '/security-info/totp': { name: 'x' },
      '/security-info/totp/confirm': { methodId: 'x', code: '123456' },
      '/security-info/backup-codes': {},
      '/security-info/remove': { methodId: 'backup_codes' },
      '/security-info/sign-out': {},
    };
    for (const [url, fields] of Object.entries(forms)) {
      const res = await t.server.inject({
        method: 'POST',
        url,
        headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', cookie: `unlatch_session=${encodeURIComponent(session)}` },
        payload: formBody(fields),
      });
      expect(res.statusCode, url).toBe(403);
      expect(setCookies(res).some((c) => c.startsWith('unlatch_session=')), url).toBe(false);
    }
    // Still signed in: the refused sign-out did nothing.
    expect((await v.get('/security-info')).statusCode).toBe(200);
    await t.deliverMail();
    expect((await t.mailsTo(CAROL.email)).filter((m) => /security info changed/.test(m.subject))).toHaveLength(0);
  });

  it('gives one answer, at the password field, for a wrong password and an unknown user', async () => {
    const v = new PortalVisitor(t);
    const wrong = await v.fill('/security-info/sign-in', { identifier: ALICE.username, password: 'not her password' });
    const unknown = await v.fill('/security-info/sign-in', { identifier: 'nobody-here', password: 'not her password' });
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.body).toContain('id="password-error"');
      expect(res.body).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"[^>]*aria-invalid="true"/);
      expect(visibleText(res.body)).toContain('The username or current password is not right.');
      expect(setCookies(res).some((c) => c.startsWith('unlatch_session='))).toBe(false);
    }
    expect(visibleText(wrong.body)).toBe(visibleText(unknown.body).replace('nobody-here', ALICE.username));
    const empty = await v.fill('/security-info/sign-in', { identifier: '', password: '' });
    expect(empty.statusCode).toBe(422);
    expect(visibleText(empty.body)).toContain('Enter your username or email address.');
    expect(visibleText(empty.body)).toContain('Enter your current password.');
  });

  it('takes alice from sign-in to an authenticator app, a second-factor sign-in, backup codes and a removal', async () => {
    const v = new PortalVisitor(t);
    // Home links here.
    expect(keep(await v.get('/')).body).toContain('<a class="choice" href="/security-info" aria-describedby="security-info-hint">Manage your security info</a>');

    // No methods yet: the password alone gives a full session.
    const signedIn = await signIn(v, ALICE);
    expect(signedIn.statusCode, signedIn.body).toBe(303);
    expect(signedIn.headers.location).toBe('/security-info');
    const cookie = setCookies(signedIn).find((c) => c.startsWith('unlatch_session='));
    expect(cookie).toMatch(/; Max-Age=900/);
    expect(cookie).toMatch(/; Path=\/security-info/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).not.toMatch(/; Secure/);
    const empty = keep(await v.follow(signedIn));
    expect(empty.statusCode).toBe(200);
    expect(visibleText(empty.body)).toContain("You have not added any ways to prove it's you yet.");
    expect(empty.body).toContain('href="/security-info/totp"');
    // Signed in, the sign-in page forwards to the list.
    expect((await v.get('/security-info/sign-in')).headers.location).toBe('/security-info');

    // Name the app, see the QR code and the key.
    const nameForm = keep(await v.get('/security-info/totp'));
    expect(nameForm.body).toContain('<input id="name" name="name" type="text" value="Authenticator app" autocomplete="off" maxlength="64"');
    const begun = keep(await v.post('/security-info/totp', { name: 'Work phone' }));
    expect(begun.statusCode).toBe(200);
    const img = /<img src="data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)" width="220" height="220" alt="QR code for your authenticator app">/.exec(begun.body);
    expect(img, 'QR image').not.toBeNull();
    const svg = Buffer.from(img![1]!, 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).not.toMatch(/<script/i);
    const secret = secretOf(begun.body);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(begun.body).toContain(`<span class="visually-hidden">${secret.split('').join(' ')}</span>`);
    const methodId = methodIdOf(begun.body);

    // A malformed and a wrong code: an error at the field, no key sent again, still pending.
    const malformed = keep(await v.post('/security-info/totp/confirm', { methodId, code: '12' }));
    expect(malformed.statusCode).toBe(422);
    expect(visibleText(malformed.body)).toContain('Enter the code as 6 digits');
    const wrong = keep(await v.post('/security-info/totp/confirm', { methodId, code: wrongCode(totpNow(secret)) }));
    expect(wrong.statusCode).toBe(422);
    expect(wrong.body).toMatch(/<input id="code"[^>]*aria-describedby="code-hint code-error"[^>]*aria-invalid="true"/);
    expect(visibleText(wrong.body)).toContain('That code is not right.');
    expect(wrong.body).not.toContain(secret);
    expect(methodIdOf(wrong.body)).toBe(methodId);

    // The right code adds it; the list shows it.
    const confirmed = keep(await v.post('/security-info/totp/confirm', { methodId, code: totpNow(secret) }));
    expect(confirmed.statusCode, confirmed.body).toBe(303);
    const listed = keep(await v.follow(confirmed));
    const text = visibleText(listed.body);
    expect(text).toContain('Your authenticator app has been added.');
    expect(text).toContain('Work phone');
    expect(text).toContain('Type Authenticator app');
    expect(text).toMatch(/Added \w+ \d+, \d{4}/);

    // Sign out: the cookie goes, the session is dead even if the cookie were replayed.
    const oldSession = v.cookies.get('unlatch_session')!.value;
    const out = keep(await v.post('/security-info/sign-out', {}));
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/');
    expect(setCookies(out).find((c) => c.startsWith('unlatch_session='))).toMatch(/unlatch_session=;.*Path=\/security-info/);
    expect(v.cookies.has('unlatch_session')).toBe(false);
    const replay = await t.server.inject({ method: 'GET', url: '/security-info', headers: { cookie: `unlatch_session=${encodeURIComponent(oldSession)}` } });
    expect(replay.statusCode).toBe(303);

    // Signing in again now needs the app too.
    const again = await signIn(v, ALICE);
    expect(again.headers.location).toBe('/security-info/verify');
    expect((await v.get('/security-info')).headers.location).toBe('/security-info/sign-in');
    const verify = keep(await v.get('/security-info/verify'));
    expect(verify.statusCode).toBe(200);
    expect(verify.body).toContain('<label for="method-totp"><input type="radio" id="method-totp" name="method" value="totp" checked> Authenticator app</label>');
    expect(verify.body).not.toContain('value="backup_code"');
    // The code that confirmed the app is spent; a wrong code says how many attempts are left.
    const bad = keep(await v.post('/security-info/verify', { method: 'totp', code: wrongCode(totpNow(secret)) }));
    expect(bad.statusCode).toBe(422);
    expect(visibleText(bad.body)).toContain('You have 4 attempts left.');
    const replayed = keep(await v.post('/security-info/verify', { method: 'totp', code: totpNow(secret) }));
    expect(visibleText(replayed.body)).toContain('You have 3 attempts left.');
    // The next time step's code works.
    t.clock.advance(30);
    const proven = keep(await v.post('/security-info/verify', { method: 'totp', code: totpNow(secret) }));
    expect(proven.statusCode, proven.body).toBe(303);
    expect(proven.headers.location).toBe('/security-info');
    const full = keep(await v.follow(proven));
    expect(full.statusCode).toBe(200);
    expect(visibleText(full.body)).toMatch(/Last used \w+ \d+, \d{4}/);

    // Backup codes: ten, once, in an ordered list, not cached.
    const codes = keep(await v.post('/security-info/backup-codes', {}));
    expect(codes.statusCode).toBe(200);
    expect(codes.headers['cache-control']).toBe('no-store');
    const list = /<ol class="backup-codes">([\s\S]*?)<\/ol>/.exec(codes.body)?.[1] ?? '';
    const shown = [...list.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(shown).toHaveLength(10);
    expect(new Set(shown).size).toBe(10);
    expect(visibleText(codes.body)).toContain('Each code works once. Keep them somewhere safe, away from your phone. Creating new codes cancels these.');
    const withCodes = keep(await v.get('/security-info'));
    expect(visibleText(withCodes.body)).toContain('Left 10 left');
    expect(visibleText(withCodes.body)).toContain('Creating new backup codes cancels the ones you have now.');
    expect(withCodes.body).not.toContain(shown[0]!);

    // With backup codes left, the default policy lets the app go.
    const removed = keep(await v.post('/security-info/remove', { methodId: removeIdOf(withCodes.body, 'Work phone') }));
    expect(removed.statusCode, removed.body).toBe(303);
    const after = keep(await v.follow(removed));
    expect(visibleText(after.body)).toContain('The method has been removed.');
    expect(visibleText(after.body)).not.toContain('Work phone');

    // Next sign-in offers the backup codes only; one of them works once.
    await v.post('/security-info/sign-out', {});
    expect((await signIn(v, ALICE)).headers.location).toBe('/security-info/verify');
    const byCode = keep(await v.get('/security-info/verify'));
    expect(byCode.body).toContain('value="backup_code" checked');
    expect(byCode.body).not.toContain('value="totp"');
    const usedCode = keep(await v.post('/security-info/verify', { method: 'backup_code', code: shown[0]!.toLowerCase() }));
    expect(usedCode.statusCode, usedCode.body).toBe(303);
    expect(visibleText(keep(await v.get('/security-info')).body)).toContain('Left 9 left');
    await v.post('/security-info/sign-out', {});

    // Each change was mailed: added, new backup codes, removed.
    await t.deliverMail();
    const notices = (await t.mailsTo(ALICE.email)).filter((m) => /security info changed/.test(m.subject));
    expect(notices).toHaveLength(3);
    const texts = notices.map((m) => m.text).join('\n');
    expect(texts).toContain('“Work phone” was added');
    expect(texts).toContain('New backup codes');
    expect(texts).toContain('“Work phone” was removed');
    expect(texts).not.toContain(secret);
    expect(texts).not.toContain(shown[1]!);
  });

  it('ends the sign-in after too many wrong codes: the person signs in again', async () => {
    const v = new PortalVisitor(t);
    await signIn(v, BOB);
    const secret = await addTotp(v);
    await v.post('/security-info/sign-out', {});
    expect((await signIn(v, BOB)).headers.location).toBe('/security-info/verify');
    await v.get('/security-info/verify');
    // A missing code costs nothing.
    const blank = await v.post('/security-info/verify', { method: 'totp', code: '' });
    expect(blank.statusCode).toBe(422);
    expect(visibleText(blank.body)).toContain('Enter the code.');
    for (let left = 4; left >= 1; left--) {
      const res = await v.post('/security-info/verify', { method: 'totp', code: wrongCode(totpNow(secret)) });
      expect(visibleText(res.body)).toContain(left === 1 ? 'You have 1 attempt left.' : `You have ${left} attempts left.`);
    }
    const last = keep(await v.post('/security-info/verify', { method: 'totp', code: wrongCode(totpNow(secret)) }));
    expect(last.statusCode).toBe(410);
    expect(visibleText(last.body)).toContain('Too many wrong codes. For your security you have been signed out. Please sign in again.');
    expect(last.body).toContain('action="/security-info/sign-in"');
    expect(v.cookies.has('unlatch_session')).toBe(false);
    // Even the right code is too late now.
    t.clock.advance(30);
    expect((await v.get('/security-info/verify')).headers.location).toBe('/security-info/sign-in');
  });

  it('sends no-store, no-referrer and a strict CSP on every page, with no inline style or script', () => {
    expect(seen.length).toBeGreaterThan(20);
    for (const res of seen) {
      expect(res.headers['cache-control'], res.raw.req.url).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
      if (res.statusCode === 303) continue;
      // Scripts only from /assets/ (the enhancements every page loads), never inline.
      expect(res.body).not.toMatch(/<script(?![^>]*\bsrc="\/assets\/)|\sstyle=|<style|\son[a-z]+=/i);
      expect(res.body.match(/<h1\b/g)).toHaveLength(1);
    }
  });
});

describe('portal: security info over https, with tight limits and a strong method required', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { publicUrl: 'https://sspr.example.org', rateLimits: { change_identifier: { points: 2, durationSeconds: 60 } }, policy: { default: { requireStrong: true } } } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('marks the session cookie Secure, and answers too many sign-ins with a 429 page', async () => {
    const v = new PortalVisitor(t);
    const ok = await v.fill('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
    expect(ok.statusCode).toBe(303);
    expect(setCookies(ok).find((c) => c.startsWith('unlatch_session='))).toMatch(/; Secure/);
    await new PortalVisitor(t).fill('/security-info/sign-in', { identifier: ALICE.username, password: 'wrong guess' });
    const limited = await new PortalVisitor(t).fill('/security-info/sign-in', { identifier: ALICE.username, password: 'another guess' });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(visibleText(limited.body)).toContain('Too many attempts');
    // The same page for an account that does not exist.
    for (let i = 0; i < 3; i++) await new PortalVisitor(t).fill('/security-info/sign-in', { identifier: 'nobody-here', password: 'guess' });
    const unknown = await new PortalVisitor(t).fill('/security-info/sign-in', { identifier: 'nobody-here', password: 'guess' });
    expect(unknown.statusCode).toBe(429);
  });

  it('refuses to remove the only strong method a requireStrong policy needs, and says why on the list', async () => {
    const v = new PortalVisitor(t);
    await signInAs(v, CAROL);
    await addTotpVia(t, v);
    const page = await v.get('/security-info');
    const id = removeIdOf(page.body, 'Authenticator app');
    const refused = (await v.post('/security-info/remove', { methodId: id }));
    expect(refused.statusCode, String(refused.headers.location)).toBe(409);
    expect(refused.body).toContain('class="error-summary"');
    expect(refused.body).toContain(`<a href="#remove-${id}">`);
    expect(refused.body).toContain(`id="remove-${id}" aria-describedby="remove-${id}-error"`);
    expect(visibleText(refused.body)).toContain('You cannot remove this one yet: you need it to be able to reset your password. Add another method first, then remove this one.');
    expect(visibleText((await v.get('/security-info')).body)).toContain('Authenticator app');
    // An id that is not hers is a 404 page, not a removal.
    expect((await v.post('/security-info/remove', { methodId: 'no-such-method' })).statusCode).toBe(404);
  });
});
