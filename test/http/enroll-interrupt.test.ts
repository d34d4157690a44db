import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

const ALLOWED = 'https://idp.example.org/realms/acme/';

/** One heading, a title, the main landmark, the language: what every portal page has. */
function expectPageBasics(html: string): void {
  expect(html).toMatch(/^<!doctype html>\s*<html lang="en" dir="ltr">/);
  expect(html.match(/<h1\b/g)).toHaveLength(1);
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html).toContain('<main id="main"');
  expect(html).not.toMatch(/<script>|style="/);
}

/**
 * The `/enroll` interrupt: a `returnTo` off the allowlist gets a readable refusal (no redirect anywhere); an
 * allowed one survives sign-in, the page shows what is missing with links to register it, and once the
 * person's own methods satisfy the policy they are sent back to it.
 */
describe('/enroll', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { enrolment: { returnToAllowlist: [ALLOWED, 'https://intranet.example.org'] } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    'https://evil.example.net/realms/acme/',
    'https://idp.example.org/realms/acme-evil/',
    'https://idp.example.org.evil.net/realms/acme/',
    'http://idp.example.org/realms/acme/',
    'https://user@idp.example.org/realms/acme/',
    '//evil.example.net/',
    'javascript:alert(1)',
    '/security-info',
  ])('refuses returnTo=%s with a page, not a redirect', async (returnTo) => {
    const v = new PortalVisitor(t);
    const res = await v.get(`/enroll?returnTo=${encodeURIComponent(returnTo)}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(visibleText(res.body)).toContain('asked to be returned to an address that is not allowed');
    expect(res.body).not.toContain('evil.example.net');
    expectPageBasics(res.body);
  });

  it('refuses a repeated returnTo', async () => {
    const res = await new PortalVisitor(t).get(`/enroll?returnTo=${encodeURIComponent(ALLOWED)}&returnTo=${encodeURIComponent(ALLOWED)}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers.location).toBeUndefined();
  });

  it('signs in, shows what is missing, and returns to the allowed address once registered', async () => {
    const v = new PortalVisitor(t);
    const returnTo = `${ALLOWED}login-actions/required-action?execution=unlatch&client_id=app`;
    const start = await v.get(`/enroll?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.statusCode).toBe(303);
    expect(start.headers.location).toBe('/security-info/enroll');
    const page = await v.get('/security-info/enroll');
    expect(page.headers.location).toBe('/security-info/sign-in');

    await v.get('/security-info/sign-in');
    const signedIn = await v.post('/security-info/sign-in', { identifier: ALICE.username, password: ALICE.password });
    expect(signedIn.statusCode).toBe(303);
    // Back to the interrupt, not to the security info page.
    expect(signedIn.headers.location).toBe('/security-info/enroll');

    const missing = await v.get('/security-info/enroll');
    expect(missing.statusCode).toBe(200);
    expectPageBasics(missing.body);
    const text = visibleText(missing.body);
    expect(text).toContain('You need one more method.');
    expect(missing.body).toContain('href="/security-info/totp"');
    expect(missing.body).toContain('href="/security-info/passkey"');
    // The directory's own mailbox does not count: in a company it is the locked account's.
    expect(text).not.toContain("You're all set");

    // Registers backup codes on the security info page, which offers the way back.
    const info = await v.get('/security-info');
    expect(info.body).toContain('<a href="/security-info/enroll">Done adding methods? Continue where you came from</a>');
    const codes = await v.post('/security-info/backup-codes', {});
    expect(codes.statusCode).toBe(200);

    const back = await v.get('/security-info/enroll');
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(returnTo);
    // Done: the remembered address is forgotten, a later visit just says so.
    const again = await v.get('/security-info/enroll');
    expect(again.statusCode).toBe(200);
    expectPageBasics(again.body);
    expect(visibleText(again.body)).toContain('Your registered methods are enough');
  });

  it('without returnTo shows the page and stays in Unlatch', async () => {
    const v = new PortalVisitor(t);
    await v.get('/security-info/sign-in');
    await v.post('/security-info/sign-in', { identifier: BOB.username, password: BOB.password });
    const start = await v.get('/enroll');
    expect(start.headers.location).toBe('/security-info/enroll');
    const page = await v.get('/security-info/enroll');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('come back to this page to check');
    // No returnTo remembered: the security info page offers no way "back".
    expect((await v.get('/security-info')).body).not.toContain('Continue where you came from');
  });
});
