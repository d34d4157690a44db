import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, renderPasswordChanged, renderResetCode, type MailT } from '../../src/adapters/mail/templates.js';

const strings = JSON.parse(readFileSync(new URL('../../locales/en/mail.json', import.meta.url), 'utf8')) as Record<string, string>;

let t: MailT;

beforeAll(async () => {
  // Default i18next settings (escaping on, '.' as key separator), as the app is likely to use them.
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', resources: { en: { mail: strings } } });
  const fixed = i18n.getFixedT('en', 'mail');
  t = (key, options) => fixed(key, options);
});

const EVIL = '<script>alert("x")</script> & \'friends\'';
const PUBLIC_URL = 'https://sspr.example.org/';

function resetCode(overrides: Partial<Parameters<typeof renderResetCode>[0]> = {}) {
  return renderResetCode({ code: '482913', displayName: 'Ada Lovelace', tenantName: 'Example Corp', expiresInMinutes: 10, publicUrl: PUBLIC_URL, t, ...overrides });
}

function changed(overrides: Partial<Parameters<typeof renderPasswordChanged>[0]> = {}) {
  return renderPasswordChanged({
    displayName: 'Ada Lovelace',
    tenantName: 'Example Corp',
    when: new Date('2024-05-01T12:34:56.789Z'),
    ip: '203.0.113.7',
    publicUrl: PUBLIC_URL,
    supportContact: 'helpdesk@example.org',
    t,
    ...overrides,
  });
}

/** Every href value in an HTML document. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('escapeHtml', () => {
  it('escapes the characters that matter in text and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('renderResetCode', () => {
  it('adds the link to the confirm page when given a link token, and none without one', () => {
    const mail = resetCode({ linkToken: 'AbC_d-9' });
    const link = 'https://sspr.example.org/reset/link?token=AbC_d-9';
    expect(mail.text).toContain(`Or open this link and press “Continue”: ${link}`);
    expect(hrefs(mail.html)).toContain(link);
    const odd = resetCode({ linkToken: 'a&b"<c>' });
    expect(hrefs(odd.html)).toContain('https://sspr.example.org/reset/link?token=a%26b%22%3Cc%3E');
    expect(resetCode().text).not.toContain('/reset/link');
    expect(hrefs(resetCode().html).some((h) => h.includes('/reset/link'))).toBe(false);
  });

  it('shows the code in text and html, with expiry and the ignore notice', () => {
    const mail = resetCode();
    expect(mail.subject).toBe('Your Example Corp password reset code');
    expect(mail.subject).not.toContain('482913');
    expect(mail.text).toContain('Your password reset code for Example Corp is:');
    expect(mail.text).toContain('482913');
    expect(mail.text).toContain('expires in 10 minutes');
    expect(mail.text).toContain('If you did not ask for this, ignore this message; your password has not changed.');
    expect(mail.html).toMatch(/<p style="[^"]*font-size:32px[^"]*">482913<\/p>/);
    expect(mail.html).toContain('expires in 10 minutes');
  });

  it('uses the singular for one minute', () => {
    expect(resetCode({ expiresInMinutes: 1 }).text).toContain('expires in 1 minute.');
  });

  it('links only to the code page, never with the code in it', () => {
    const mail = resetCode();
    expect(hrefs(mail.html)).toEqual(['https://sspr.example.org/reset/code']);
    for (const body of [mail.text, mail.html]) {
      for (const url of body.match(/https?:\/\/[^\s"<>]*/g) ?? []) expect(url).not.toContain('482913');
    }
  });

  it('escapes a malicious display name in html and keeps it inert in text', () => {
    const mail = resetCode({ displayName: EVIL });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;,');
    // Not double-escaped: i18next's own escaping is off, the template escapes once.
    expect(mail.html).not.toContain('&amp;lt;');
    expect(mail.text).toContain(`Hello ${EVIL},`);
  });

  it('cannot be made to forge lines or links through the display name', () => {
    const mail = resetCode({ displayName: 'Eve\r\n\r\nVisit https://evil.example \u202Egnp.exe\uE000' });
    expect(mail.text.split('\n')[0]).toBe('Hello Eve Visit https://evil.example gnp.exe,');
    expect(hrefs(mail.html)).toEqual(['https://sspr.example.org/reset/code']);
  });

  it('is an accessible html document', () => {
    const { html } = resetCode();
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en" dir="ltr">/);
    expect(html).toContain('<title>Your Example Corp password reset code</title>');
    expect(html).toMatch(/<h1 [^>]*>Your password reset code<\/h1>/);
  });

  it('escapes the tenant name too', () => {
    const mail = resetCode({ tenantName: 'A&B <Corp>' });
    expect(mail.subject).toBe('Your A&B <Corp> password reset code');
    expect(mail.html).toContain('<title>Your A&amp;B &lt;Corp&gt; password reset code</title>');
    expect(mail.html).not.toContain('<Corp>');
  });

  it('refuses a non-http public URL', () => {
    expect(() => resetCode({ publicUrl: 'javascript:alert(1)' })).toThrow(/http/);
  });
});

describe('renderPasswordChanged', () => {
  it('states time in UTC and the IP, with what to do', () => {
    const mail = changed();
    expect(mail.subject).toBe('Your Example Corp password was changed');
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('2024-05-01 12:34:56 UTC');
      expect(body).toContain('203.0.113.7');
      expect(body).toContain('If this was you, there is nothing to do.');
      expect(body).toContain('helpdesk@example.org');
    }
    expect(mail.text).toContain('If it was not you, contact helpdesk@example.org immediately and start a new password reset at https://sspr.example.org.');
  });

  it('links only to the portal and the support address, never with a token', () => {
    const { html, text } = changed();
    expect(hrefs(html)).toEqual(['mailto:helpdesk@example.org', 'https://sspr.example.org']);
    expect(text).not.toMatch(/[?#&](token|code|flow)/i);
    expect(html).not.toMatch(/[?#](token|code|flow)/i);
  });

  it('works without a support contact', () => {
    const mail = changed({ supportContact: undefined });
    expect(mail.text).toContain('If it was not you, start a new password reset at https://sspr.example.org immediately.');
    expect(hrefs(mail.html)).toEqual(['https://sspr.example.org']);
  });

  it('escapes display name, IP and support contact', () => {
    const mail = changed({ displayName: EVIL, ip: '<img src=x>', supportContact: '<b>call</b> 555' });
    expect(mail.html).not.toMatch(/<script|<img|<b>/);
    expect(mail.html).toContain('&lt;img src=x&gt;');
    expect(mail.html).toContain('&lt;b&gt;call&lt;/b&gt; 555');
  });

  it('has no field that could carry a password', () => {
    const mail = changed();
    // The input type has no password; make sure nothing password-like leaks through the strings either.
    expect(mail.text).not.toMatch(/password:\s|new password is/i);
    expect(mail.html).not.toMatch(/password:\s|new password is/i);
  });
});
