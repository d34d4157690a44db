import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { packageRoot } from '../../src/package-root.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';
import { ALICE, BOB, CAROL, STRONG_PASSWORD, wrongCode } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-rough-edges' };

/** The rough edges a person found on a phone (issue 12, item 3), each as the portal answers it now. */
describe('portal: rough edges found on a phone', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const start = async (options: TestAppOptions = {}) => {
    t = await startTestApp(options);
    return t;
  };
  /** A visitor at the code page of a flow started at `path` (`/reset` or `/unlock`) for `identifier`. */
  const startedFor = async (identifier: string, path = '/reset') => {
    const v = new PortalVisitor(t!);
    const started = await v.fill(path, { identifier });
    expect(started.headers.location).toBe('/reset/code');
    const page = await v.follow(started);
    expect(page.statusCode).toBe(200);
    return { v, page };
  };

  it('dates the code page in the tenant\'s time zone, with the moment in a <time> a script may show in the browser\'s zone', async () => {
    await start({ overrides: { tenants: [{ id: 'demo', name: 'Demo Company', timeZone: 'Asia/Kolkata' }] } });
    const { page } = await startedFor(ALICE.username);
    const time = /<time datetime="([^"]+)" data-local-time>([^<]+)<\/time>/.exec(page.body);
    expect(time, page.body).not.toBeNull();
    const when = new Date(time![1]!);
    const expected = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Kolkata', timeZoneName: 'short' }).format(when);
    expect(time![2]).toBe(expected);
    expect(time![2]).not.toContain('UTC');
    expect(visibleText(page.body)).toMatch(/valid for about 10 more minutes, until \d\d:\d\d GMT\+5:30 ?\./);
    expect(page.body).toContain('<script src="/assets/portal.js" defer></script>');
    const script = await t!.server.inject({ method: 'GET', url: '/assets/portal.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.body).toContain('data-local-time');
  });

  it('refuses an unknown time zone at start, naming the key', () => {
    expect(() => validateConfig({ mode: 'dev', tenants: [{ id: 'demo', name: 'Demo', timeZone: 'Mars/Olympus_Mons' }] })).toThrow(/timeZone[\s\S]*IANA time zone/);
    expect(validateConfig({ mode: 'dev', tenants: [{ id: 'demo', name: 'Demo', timeZone: 'UTC' }] }).tenants[0]!.timeZone).toBe('UTC');
  });

  it('keeps the passkey button hidden until the script shows it, and offers a passkey only where the tenant allows one', async () => {
    await start();
    const css = (await t!.server.inject({ method: 'GET', url: '/assets/portal.css' })).body;
    // `.button { display: inline-block }` used to override the `hidden` attribute.
    expect(css).toMatch(/\[hidden\]\s*\{\s*display:\s*none\s*!important;\s*\}/);
    const { page } = await startedFor(ALICE.username);
    expect(page.body).toMatch(/<button type="submit" class="button button-secondary" hidden>Use a passkey<\/button>/);
    await t!.close();

    await start({ overrides: { policy: { default: { allowedMethods: ['email_code', 'totp'] } } } });
    const known = await startedFor(ALICE.username);
    const unknown = await startedFor('nobody-here@example.com');
    for (const body of [known.page.body, unknown.page.body]) {
      expect(body).not.toContain('Use a passkey');
      expect(body).not.toContain('/assets/passkeys.js');
      expect(body).toContain('href="/reset/code?method=totp"');
      expect(body).not.toContain('href="/reset/code?method=backup_code"');
    }
  });

  it('words home and sign-in for every kind of method, the same for everyone', async () => {
    await start();
    const v = new PortalVisitor(t!);
    const home = visibleText((await v.get('/')).body);
    expect(home).toContain('a passkey');
    expect(home).not.toContain('the authenticator app and backup codes');
    const signIn = visibleText((await v.get('/security-info/sign-in')).body);
    expect(signIn).toContain('an authenticator app, a passkey, a phone number, another email address or backup codes');
  });

  it('the emailed "open …/reset/code" link from another site or device: a page that leads on, or says where to finish', async () => {
    await start();
    const stranger = new PortalVisitor(t!);
    const landing = await stranger.get('/reset/code');
    expect(landing.statusCode).toBe(200);
    expect(landing.body).toContain('<a class="button" href="/reset/code?resume=1">Continue to enter my code</a>');
    expect(landing.body).not.toContain('name="code"');
    // The same browser: the second, same-site request carries the flow cookie and the code page opens.
    const { v } = await startedFor(ALICE.username);
    const resumed = await v.get('/reset/code?resume=1');
    expect(resumed.statusCode).toBe(200);
    expect(resumed.body).toContain('name="code"');
    // Another browser or device: told to finish where it started, or to start again — nothing about any flow.
    const elsewhere = await stranger.get('/reset/code?resume=1');
    expect(elsewhere.statusCode).toBe(200);
    expect(visibleText(elsewhere.body)).toContain('a reset can only be finished in the browser where it was started');
    expect(elsewhere.body).toContain('href="/reset"');
    expect(elsewhere.body).not.toContain('resume=1');
  });

  it('answers a refused new password with a redirect to the page (post/redirect/get), and only once', async () => {
    await start();
    const { v } = await startedFor(ALICE.username);
    await v.follow(await v.post('/reset/code', { code: await t!.codeFor(ALICE.email) }));
    const refused = await v.post('/reset/password', { password: 'alice', confirm: 'alice' });
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe('/reset/password');
    const shown = await v.follow(refused);
    expect(shown.body).toMatch(/<title>Error: /);
    expect(visibleText(shown.body)).toContain('Use at least 8 characters (this one has 5).');
    expect(shown.body).not.toContain('alice"'); // what was typed is never echoed
    // Read once: a reload shows the clean page.
    expect(visibleText((await v.get('/reset/password')).body)).not.toContain('This password cannot be used');
    // A forged message cookie is ignored.
    // An unsigned `[{"f":"password","m":"Hash"}]`.
    v.cookies.set('unlatch_flash', { value: 'W3siZiI6InBhc3N3b3JkIiwibSI6Ikhhc2gifV0', path: '/reset/password' });
    const forged = await v.get('/reset/password');
    expect(visibleText(forged.body)).not.toContain('Hash');
    const done = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.headers.location).toBe('/reset/done');
  });

  it('shows the password rules on /change before the first try, a show-password button only for the script, and keeps the username', async () => {
    await start();
    const v = new PortalVisitor(t!);
    const page = await v.get('/change');
    const text = visibleText(page.body);
    expect(text).toContain('Your new password must:');
    expect(text).toContain('have at least 8 characters');
    expect(text).toContain('not be a commonly used or easy-to-guess password');
    expect(text).toContain('not include your username, name or email address');
    for (const id of ['currentPassword', 'newPassword', 'confirmPassword']) {
      expect(page.body).toContain(`<button type="button" class="password-toggle" data-password-toggle="${id}" aria-controls="${id}" data-show="Show password" data-hide="Hide password" hidden>Show password</button>`);
    }
    // Refused (post/redirect/get): the username comes back, the passwords never do.
    const answer = await v.fill('/change', { identifier: ALICE.username, currentPassword: 'wrong one', newPassword: STRONG_PASSWORD, confirmPassword: STRONG_PASSWORD });
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/change');
    const refused = await v.follow(answer);
    expect(visibleText(refused.body)).toContain('The username or current password is not right.');
    expect(refused.body).toContain(`value="${ALICE.username}"`);
    expect(refused.body).not.toContain('wrong one');
    expect(refused.body).not.toContain(STRONG_PASSWORD);
    expect(visibleText(refused.body)).toContain('Your new password must:');
  });

  it('words the unlock flow for an unlock, and says so when the account was not locked', async () => {
    await start();
    const { v, page } = await startedFor(BOB.username, '/unlock');
    expect(visibleText(page.body)).toContain('If the account exists and can be unlocked');
    expect(visibleText(page.body)).not.toContain('can be reset');
    await v.follow(await v.post('/reset/code', { code: await t!.codeFor(BOB.email) }));
    const done = await v.post('/reset/unlock', {});
    expect(done.headers.location).toBe('/reset/unlocked?locked=no');
    const shown = visibleText((await v.follow(done)).body);
    expect(shown).toContain('Your account was not locked');
    expect(shown).not.toContain('Your account is unlocked');
  });

  it('offers the otpauth:// link and the key in blocks of four with a plain copy', async () => {
    await start();
    const v = new PortalVisitor(t!);
    await v.fill('/security-info/sign-in', { identifier: CAROL.username, password: CAROL.password });
    await v.get('/security-info/totp');
    const setup = await v.post('/security-info/totp', { name: 'Phone' });
    expect(setup.statusCode).toBe(200);
    const link = /<a class="button" href="(otpauth:\/\/totp\/[^"]+)">Open in my authenticator app<\/a>/.exec(setup.body)?.[1];
    expect(link, setup.body).toBeDefined();
    const secret = new URL(link!.replace(/&amp;/g, '&')).searchParams.get('secret')!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body).toContain(`<code class="secret" aria-hidden="true">${secret.match(/.{4}/g)!.join(' ')}</code>`);
    expect(setup.body).toContain(`<input id="secret-plain" type="text" value="${secret}" readonly`);
  });

  it('asks before removing a method, and offers the backup codes as a text file and for printing', async () => {
    await start();
    const v = new PortalVisitor(t!);
    await v.fill('/security-info/sign-in', { identifier: CAROL.username, password: CAROL.password });
    const codesPage = await v.post('/security-info/backup-codes', {});
    const codes = [...codesPage.body.matchAll(/<li><code>([A-Z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(codesPage.body).toContain('action="/security-info/backup-codes/download"');

    const file = await v.post('/security-info/backup-codes/download', { codes: codes.join(' ') });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(file.headers['content-disposition']).toBe('attachment; filename="backup-codes.txt"');
    expect(file.headers['cache-control']).toBe('no-store');
    for (const code of codes) expect(file.body).toContain(code);
    // Only text shaped like backup codes is ever echoed.
    const odd = await v.post('/security-info/backup-codes/download', { codes: '<script>alert(1)</script>' });
    expect(odd.statusCode).toBe(303);
    expect(odd.body).not.toContain('script');
    const signedOut = new PortalVisitor(t!);
    await signedOut.get('/security-info/sign-in');
    expect((await signedOut.post('/security-info/backup-codes/download', { codes: codes.join(' ') })).headers.location).toBe('/security-info/sign-in');
    const css = (await t!.server.inject({ method: 'GET', url: '/assets/portal.css' })).body;
    expect(css).toMatch(/@media print \{[\s\S]*\.site-header[\s\S]*display: none/);

    // "Remove" is a link to a page that asks; its red button removes.
    const list = await v.get('/security-info');
    expect(list.body).not.toContain('action="/security-info/remove"');
    expect(list.body).toContain('href="/security-info/remove?methodId=backup_codes"');
    const ask = await v.get('/security-info/remove?methodId=backup_codes');
    expect(ask.statusCode).toBe(200);
    expect(visibleText(ask.body)).toContain('You are about to remove your backup codes.');
    expect(ask.body).toContain('<button type="submit" class="button button-danger">Yes, remove it</button>');
    expect(ask.body).toContain('<a href="/security-info">No, keep it</a>');
    expect((await v.get('/security-info/remove?methodId=not-mine')).headers.location).toBe('/security-info');
    const removed = await v.post('/security-info/remove', { methodId: 'backup_codes' });
    expect(removed.headers.location).toBe('/security-info?done=removed');
  });

  it('answers the app code that just registered the app with "wait for the next code", without costing an attempt', async () => {
    await start();
    const account = await t!.accountOf(ALICE.username);
    const enrollment = await t!.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    const used = totpAt(enrollment.secret, t!.clock.now().getTime());
    expect((await t!.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: used, client })).ok).toBe(true);

    const { v } = await startedFor(ALICE.username);
    const again = await v.post('/reset/code', { method: 'totp', code: used });
    expect(again.statusCode).toBe(422);
    const text = visibleText(again.body);
    expect(text).toContain('That code has already been used');
    expect(text).toContain('Wait until your authenticator app shows the next code');
    expect(text).toContain('you still have 5 attempts left');
    // It cost nothing: the next wrong code is the first counted.
    const wrong = await v.post('/reset/code', { method: 'totp', code: wrongCode(used) });
    expect(visibleText(wrong.body)).toContain('That code is not right.');
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
    // Someone else typing that code gets the plain "not right", counted: the answer needs the account's own spent code.
    const other = await startedFor(BOB.username);
    const guessed = await other.v.post('/reset/code', { method: 'totp', code: used });
    expect(visibleText(guessed.body)).toContain('That code is not right.');
    expect(visibleText(guessed.body)).toContain('You have 4 attempts left.');
    // The next step's code works.
    t!.clock.advance(30);
    const next = await v.post('/reset/code', { method: 'totp', code: totpAt(enrollment.secret, t!.clock.now().getTime()) });
    expect(next.headers.location).toBe('/reset/password');
  });

  it('uses the link text the page shows in the person\'s guide', () => {
    const texts = JSON.parse(readFileSync(join(packageRoot(), 'locales', 'en', 'portal.json'), 'utf8')) as Record<string, string>;
    const guide = readFileSync(join(packageRoot(), 'docs', 'reset-your-password.md'), 'utf8');
    expect(guide).toContain(`**${texts['home.forgot.link']}**`);
    expect(guide).not.toContain('Forgot your password?');
    expect(guide).toContain(`**${texts['home.unlock.link']}**`);
  });
});
