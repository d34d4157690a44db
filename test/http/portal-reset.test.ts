import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, OTHER_STRONG_PASSWORD, STRONG_PASSWORD, wrongCode } from './api-client.js';
import { PortalVisitor, setCookies, visibleText } from './portal-forms.js';

describe('portal: a reset through the forms', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('resets alice by emailed code; then the change page refuses the old password and takes the new one', async () => {
    const v = new PortalVisitor(t);
    const home = await v.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('href="/reset"');
    expect(home.body).toContain('href="/change"');

    const started = await v.fill('/reset', { identifier: ALICE.username });
    expect(started.statusCode, started.body).toBe(303);
    expect(started.headers.location).toBe('/reset/code');
    const flowCookie = setCookies(started).find((c) => c.startsWith('unlatch_reset='));
    expect(flowCookie).toBeDefined();
    expect(flowCookie).toMatch(/; Path=\/reset(;|$)/);
    expect(flowCookie).toMatch(/; HttpOnly/);
    expect(flowCookie).toMatch(/; SameSite=Strict/);
    expect(flowCookie).not.toMatch(/; Secure/); // http://127.0.0.1 in tests

    const codePage = await v.follow(started);
    expect(codePage.statusCode).toBe(200);
    expect(visibleText(codePage.body)).toMatch(/valid for about 10 more minutes, until \d\d:\d\d UTC/);

    const code = await t.codeFor(ALICE.email);
    const wrong = await v.post('/reset/code', { code: wrongCode(code) });
    expect(wrong.statusCode).toBe(422);
    expect(visibleText(wrong.body)).toContain('That code is not right. Check the code in the email and try again. You have 4 attempts left.');

    // Spaces inside the code are forgiven.
    const verified = await v.post('/reset/code', { code: `${code.slice(0, 3)} ${code.slice(3)}` });
    expect(verified.statusCode, verified.body).toBe(303);
    expect(verified.headers.location).toBe('/reset/password');
    const passwordPage = await v.follow(verified);
    expect(passwordPage.statusCode).toBe(200);
    expect(passwordPage.body).toContain('autocomplete="new-password"');

    // A refusal redirects back to the page (post/redirect/get), which shows why.
    const mismatched = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: `${STRONG_PASSWORD}x` });
    expect(mismatched.statusCode).toBe(303);
    expect(mismatched.headers.location).toBe('/reset/password');
    const mismatch = await v.follow(mismatched);
    expect(visibleText(mismatch.body)).toContain('The two passwords do not match.');

    // Refused by the rules: every reason in plain words, and the flow stays at this step.
    const weak = await v.follow(await v.post('/reset/password', { password: 'alice', confirm: 'alice' }));
    expect(weak.statusCode).toBe(200);
    const weakText = visibleText(weak.body);
    expect(weakText).toContain('This password cannot be used:');
    expect(weakText).toContain('Use at least 8 characters (this one has 5).');
    expect(weakText).toContain('Do not include your username in your password.');
    expect(weak.body).not.toContain('too_short');

    const done = await v.post('/reset/password', { password: STRONG_PASSWORD, confirm: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe('/reset/done');
    const donePage = await v.follow(done);
    expect(donePage.statusCode).toBe(200);
    expect(visibleText(donePage.body)).toContain('Your password has been reset');
    const cleared = setCookies(donePage).find((c) => c.startsWith('unlatch_reset='));
    expect(cleared).toMatch(/^unlatch_reset=;/);
    expect(v.cookies.has('unlatch_reset')).toBe(false);

    const oldRefused = await v.fill('/change', {
      identifier: ALICE.username,
      currentPassword: ALICE.password,
      newPassword: OTHER_STRONG_PASSWORD,
      confirmPassword: OTHER_STRONG_PASSWORD,
    });
    expect(oldRefused.statusCode).toBe(303);
    expect(oldRefused.headers.location).toBe('/change');
    const oldFails = await v.follow(oldRefused);
    expect(visibleText(oldFails.body)).toContain('The username or current password is not right.');
    expect(oldFails.body).toContain(`value="${ALICE.username}"`); // the identifier is kept, passwords are not
    expect(oldFails.body).not.toContain(ALICE.password);

    const newWorks = await v.post('/change', {
      identifier: ALICE.email,
      currentPassword: STRONG_PASSWORD,
      newPassword: OTHER_STRONG_PASSWORD,
      confirmPassword: OTHER_STRONG_PASSWORD,
    });
    expect(newWorks.statusCode, newWorks.body).toBe(303);
    expect(newWorks.headers.location).toBe('/change/done');
    expect(visibleText((await v.follow(newWorks)).body)).toContain('Your password has been changed');
  });

  it('answers an unknown account with the same redirect, cookie and code page', async () => {
    const known = new PortalVisitor(t);
    const unknown = new PortalVisitor(t);
    const a = await known.fill('/reset', { identifier: ALICE.username });
    const b = await unknown.fill('/reset', { identifier: 'nobody-here@example.com' });
    expect(b.statusCode).toBe(a.statusCode);
    expect(b.headers.location).toBe(a.headers.location);
    const shape = (cookies: string[]) => cookies.map((c) => c.replace(/=[^;]*/, '=…')).sort();
    expect(shape(setCookies(b))).toEqual(shape(setCookies(a)));
    const normalize = (html: string) => html.replace(/value="[^"]*"/g, 'value=""').replace(/reference [\w-]+/g, '');
    const pageA = await known.follow(a);
    const pageB = await unknown.follow(b);
    expect(pageB.statusCode).toBe(pageA.statusCode);
    expect(normalize(pageB.body)).toBe(normalize(pageA.body));
    // And a guess at the decoy's code fails like a wrong code does.
    const guessA = await known.post('/reset/code', { code: '000000' });
    const guessB = await unknown.post('/reset/code', { code: '000000' });
    expect(guessB.statusCode).toBe(422);
    expect(normalize(guessB.body)).toBe(normalize(guessA.body));
  });

  it('ends the reset after the last wrong code and offers to start again', async () => {
    const v = new PortalVisitor(t);
    await v.follow(await v.fill('/reset', { identifier: ALICE.username }));
    const code = await t.codeFor(ALICE.email);
    const flowCookie = v.cookies.get('unlatch_reset')?.value ?? '';
    for (let left = 4; left >= 1; left--) {
      const res = await v.post('/reset/code', { code: wrongCode(code) });
      expect(res.statusCode).toBe(422);
      expect(visibleText(res.body)).toContain(left === 1 ? 'You have 1 attempt left.' : `You have ${left} attempts left.`);
    }
    const ended = await v.post('/reset/code', { code: wrongCode(code) });
    expect(ended.statusCode).toBe(410);
    expect(visibleText(ended.body)).toContain('Too many wrong codes.');
    expect(ended.body).toContain('href="/reset"');
    expect(v.cookies.has('unlatch_reset')).toBe(false);
    // The flow is dead: its cookie, kept by someone, leads to the same end, and the right code does nothing.
    const cookie = { cookie: `unlatch_reset=${encodeURIComponent(flowCookie)}` };
    const late = await t.server.inject({ method: 'GET', url: '/reset/code', headers: cookie });
    expect(late.statusCode).toBe(410);
    expect(visibleText(late.body)).toContain('This reset has expired or is no longer valid.');
  });

  it('shows the expired page once the code has run out', async () => {
    const v = new PortalVisitor(t);
    await v.follow(await v.fill('/reset', { identifier: ALICE.username }));
    t.clock.advance(t.config.reset.codeTtlSeconds + 1);
    const expired = await v.get('/reset/code');
    expect(expired.statusCode).toBe(410);
    expect(visibleText(expired.body)).toContain('This reset has expired or is no longer valid.');
    expect(expired.body).toContain('Start a new reset');
  });

  it('does not spend an attempt on a malformed code', async () => {
    const v = new PortalVisitor(t);
    await v.follow(await v.fill('/reset', { identifier: ALICE.username }));
    const empty = await v.post('/reset/code', { code: '' });
    expect(empty.statusCode).toBe(422);
    expect(visibleText(empty.body)).toContain('Enter the code from the email.');
    const letters = await v.post('/reset/code', { code: 'abcdef' });
    expect(visibleText(letters.body)).toContain('Enter the code as 6 digits');
    const code = await t.codeFor(ALICE.email);
    const wrong = await v.post('/reset/code', { code: wrongCode(code) });
    expect(visibleText(wrong.body)).toContain('You have 4 attempts left.');
  });

  it('sends a visitor without a flow from the step pages to the start (the code page, the emailed link, explains first)', async () => {
    const v = new PortalVisitor(t);
    const password = await v.get('/reset/password');
    expect(password.statusCode).toBe(303);
    expect(password.headers.location).toBe('/reset');
    // The emailed "open …/reset/code" link: a page that leads on (same-site, so a SameSite=Strict cookie goes along) or says where to go.
    const code = await v.get('/reset/code');
    expect(code.statusCode).toBe(200);
    expect(code.body).toContain('href="/reset/code?resume=1"');
    // A forged (unsigned) flow cookie is no flow either.
    const forged = await t.server.inject({ method: 'GET', url: '/reset/code', headers: { cookie: 'unlatch_reset=abc' } });
    expect(forged.statusCode).toBe(200);
    expect(forged.body).toContain('href="/reset/code?resume=1"');
    expect(forged.body).not.toContain('name="code"');
  });

  it('keeps the person on the step the flow is at (back button, second tab)', async () => {
    const v = new PortalVisitor(t);
    await v.follow(await v.fill('/reset', { identifier: ALICE.username }));
    expect((await v.get('/reset/password')).headers.location).toBe('/reset/code');
    await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect((await v.get('/reset/code')).headers.location).toBe('/reset/password');
  });

  it('asks for the identifier when it is left empty, without starting anything', async () => {
    const v = new PortalVisitor(t);
    const res = await v.fill('/reset', { identifier: '   ' });
    expect(res.statusCode).toBe(422);
    expect(visibleText(res.body)).toContain('Enter your username or email address.');
    expect(setCookies(res).some((c) => c.startsWith('unlatch_reset='))).toBe(false);
  });
});

describe('portal: rate limits', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ overrides: { rateLimits: { start_identifier: { points: 2, durationSeconds: 600 } } } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers 429 with Retry-After and a readable page, the same for known and unknown accounts', async () => {
    const v = new PortalVisitor(t);
    for (let i = 0; i < 2; i++) expect((await v.fill('/reset', { identifier: ALICE.username })).statusCode).toBe(303);
    const limited = await v.fill('/reset', { identifier: ALICE.username });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(limited.body)).toContain('Too many attempts. Please wait a little and try again.');
    expect(visibleText(limited.body)).toMatch(/You can try again in \d+ minutes?\./);

    const u = new PortalVisitor(t);
    for (let i = 0; i < 2; i++) expect((await u.fill('/reset', { identifier: 'nobody' })).statusCode).toBe(303);
    const limitedUnknown = await u.fill('/reset', { identifier: 'nobody' });
    expect(limitedUnknown.statusCode).toBe(429);
    const normalize = (html: string) => html.replace(/reference [\w-]+/g, '').replace(/in \d+ (minute|second)s?/g, 'in N');
    expect(normalize(limitedUnknown.body)).toBe(normalize(limited.body));
  });
});
