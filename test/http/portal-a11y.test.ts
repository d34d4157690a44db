import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

/** Attributes of every visible form control on a page, read from the markup. */
function controlsOf(html: string): Array<{ id: string; attrs: string }> {
  return [...html.matchAll(/<(?:input|select)\b([^>]*)>/g)]
    .map((m) => m[1] ?? '')
    .filter((attrs) => !/type="hidden"/.test(attrs))
    .map((attrs) => ({ id: /\bid="([^"]+)"/.exec(attrs)?.[1] ?? '', attrs }));
}

function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(attrs)?.[1];
}

/** The WCAG basics every page must have whatever it shows. */
function expectPageBasics(html: string): void {
  expect(html).toMatch(/^<!doctype html>\s*<html lang="en" dir="ltr">/);
  expect(html.match(/<h1\b/g)).toHaveLength(1);
  expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(html).toMatch(/<title>[^<]+<\/title>/);
  expect(html).toContain('<main id="main"');
  for (const control of controlsOf(html)) {
    expect(control.id, control.attrs).not.toBe('');
    expect(html, `label for #${control.id}`).toContain(`<label for="${control.id}">`);
    for (const ref of (attr(control.attrs, 'aria-describedby') ?? '').split(' ').filter(Boolean)) {
      expect(html, `#${ref} referenced by #${control.id}`).toContain(`id="${ref}"`);
    }
  }
}

describe('portal: accessible markup', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('ties each error to its field and lists them in a summary that takes focus', async () => {
    const v = new PortalVisitor(t);
    // A refusal redirects back (post/redirect/get); the page then shows the errors.
    const refused = await v.fill('/change', { identifier: '', currentPassword: '', newPassword: 'a b c d e f', confirmPassword: 'something else' });
    expect(refused.statusCode).toBe(303);
    const res = await v.follow(refused);
    const html = res.body;
    expectPageBasics(html);
    expect(html).toMatch(/<title>Error: Change your password/);

    const summary = /<div class="error-summary"([^>]*)>([\s\S]*?)<\/div>/.exec(html);
    expect(summary, 'error summary').not.toBeNull();
    expect(summary?.[1]).toContain('autofocus');
    expect(summary?.[1]).toContain('tabindex="-1"');
    expect(summary?.[1]).toContain('role="alert"');
    // The summary comes before the heading and the form, so it is what is read first.
    expect(html.indexOf('error-summary')).toBeLessThan(html.indexOf('<h1'));
    expect(html.match(/\bautofocus\b/g)).toHaveLength(1);

    const invalid = ['identifier', 'currentPassword', 'confirmPassword'];
    for (const id of invalid) {
      expect(summary?.[2], `summary link to #${id}`).toContain(`href="#${id}"`);
      const control = controlsOf(html).find((c) => c.id === id);
      expect(control, id).toBeDefined();
      expect(attr(control!.attrs, 'aria-invalid'), id).toBe('true');
      expect(attr(control!.attrs, 'aria-describedby')?.split(' '), id).toContain(`${id}-error`);
      expect(html).toMatch(new RegExp(`id="${id}-error"[^>]*>\\s*<p><span class="visually-hidden">Error: </span>\\S`));
    }
    const fine = controlsOf(html).find((c) => c.id === 'newPassword');
    expect(attr(fine!.attrs, 'aria-invalid')).toBeUndefined();
    expect(visibleText(html)).toContain('Enter your username or email address.');
    expect(visibleText(html)).toContain('Enter your current password.');
    expect(visibleText(html)).toContain('The two passwords do not match.');
  });

  it('lists every password rule that failed inside the field error', async () => {
    const v = new PortalVisitor(t);
    const res = await v.follow(await v.fill('/change', { identifier: ALICE.username, currentPassword: ALICE.password, newPassword: 'alice', confirmPassword: 'alice' }));
    expect(res.statusCode).toBe(200);
    const block = /<div class="field-error" id="newPassword-error">([\s\S]*?)<\/div>/.exec(res.body)?.[1] ?? '';
    expect(block).toContain('This password cannot be used:');
    expect(block.match(/<li>/g)?.length).toBeGreaterThanOrEqual(2);
    expect(visibleText(block)).toContain('Use at least 8 characters (this one has 5).');
  });

  it('gives every field the right autocomplete and the code field a numeric keyboard', async () => {
    const v = new PortalVisitor(t);
    const change = await v.get('/change');
    expectPageBasics(change.body);
    const auto = Object.fromEntries(controlsOf(change.body).map((c) => [c.id, attr(c.attrs, 'autocomplete')]));
    expect(auto).toEqual({ identifier: 'username', currentPassword: 'current-password', newPassword: 'new-password', confirmPassword: 'new-password' });

    const start = await v.get('/reset');
    expectPageBasics(start.body);
    expect(start.body).toContain('<label for="identifier">Username or email</label>');
    expect(controlsOf(start.body).map((c) => attr(c.attrs, 'autocomplete'))).toEqual(['username']);

    const code = await v.follow(await v.post('/reset', { identifier: ALICE.username }));
    expectPageBasics(code.body);
    const codeInput = controlsOf(code.body).find((c) => c.id === 'code');
    expect(attr(codeInput!.attrs, 'autocomplete')).toBe('one-time-code');
    expect(attr(codeInput!.attrs, 'inputmode')).toBe('numeric');
    // No timeout without warning: the page says until when the code is good.
    expect(visibleText(code.body)).toMatch(/until \d\d:\d\d UTC/);

    const password = await v.follow(await v.post('/reset/code', { code: await t.codeFor(ALICE.email) }));
    expectPageBasics(password.body);
    expect(controlsOf(password.body).map((c) => attr(c.attrs, 'autocomplete'))).toEqual(['new-password', 'new-password']);
    expect(visibleText(password.body)).toMatch(/before \d\d:\d\d UTC/);
  });

  it('has the basics on the other pages too', async () => {
    for (const url of ['/', '/reset/done', '/change/done', '/dev/outbox', '/missing']) {
      const res = await t.server.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expectPageBasics(res.body);
    }
  });

  it('answers in English when the browser asks for a language the portal does not have', async () => {
    const res = await t.server.inject({ method: 'GET', url: '/', headers: { 'accept-language': 'ja-JP, ja;q=0.9, tlh;q=0.5' } });
    expect(res.body).toContain('<html lang="en"');
    expect(res.body).toContain('I forgot my password');
  });
});

describe('portal: several tenants', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      overrides: { tenants: [{ id: 'demo', name: 'Demo Company' }, { id: 'acme', name: 'Acme Ltd' }], defaultTenant: 'demo' },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('offers a labelled tenant choice, preselects the default, and resets in the chosen tenant', async () => {
    const v = new PortalVisitor(t);
    const page = await v.get('/reset');
    expectPageBasics(page.body);
    expect(page.body).toContain('<label for="tenant">Organisation</label>');
    expect(page.body).toContain('<option value="demo" selected>Demo Company</option>');
    expect(page.body).toContain('<option value="acme">Acme Ltd</option>');
    const unknownTenant = await v.post('/reset', { tenant: 'nope', identifier: ALICE.username });
    expect(unknownTenant.statusCode).toBe(422);
    expect(visibleText(unknownTenant.body)).toContain('Choose your organisation.');
    const started = await v.post('/reset', { tenant: 'demo', identifier: ALICE.username });
    expect(started.statusCode).toBe(303);
    await v.follow(started);
    const verified = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect(verified.headers.location).toBe('/reset/password');
  });

  it('shows no tenant choice when only one tenant is configured', async () => {
    const single = await startTestApp();
    try {
      const page = await single.server.inject({ method: 'GET', url: '/reset' });
      expect(page.body).not.toContain('name="tenant"');
    } finally {
      await single.close();
    }
  });
});
