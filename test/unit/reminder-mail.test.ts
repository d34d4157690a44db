import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEnrolmentReminder, renderExpiryReminder } from '../../src/adapters/mail/reminder-mail.js';
import type { MailT } from '../../src/adapters/mail/templates.js';

const strings = JSON.parse(readFileSync(new URL('../../locales/en/mail.json', import.meta.url), 'utf8')) as Record<string, string>;
let t: MailT;

beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', resources: { en: { mail: strings } } });
  const fixed = i18n.getFixedT('en', 'mail');
  t = (key, options) => fixed(key, options);
});

const EVIL = '<script>alert("x")</script> & \u202Emoc.live';

describe('reminder mails', () => {
  it('enrolment: links to security info from the configured URL, escapes names, states the deadline', () => {
    const mail = renderEnrolmentReminder({ displayName: EVIL, tenantName: 'Example Corp', deadline: new Date('2027-03-31T00:00:00Z'), overdue: false, publicUrl: 'https://sspr.example.org/', t });
    expect(mail.subject).toBe('Example Corp: please register a way to reset your password');
    expect(mail.text).toContain('Please register by 2027-03-31.');
    expect(mail.text).toContain('https://sspr.example.org/security-info');
    expect(mail.html).toContain('href="https://sspr.example.org/security-info"');
    expect(mail.html).not.toContain('<script>');
    expect(mail.text).not.toContain('\u202E');
  });

  it('enrolment: overdue wording, and no deadline line without one', () => {
    const overdue = renderEnrolmentReminder({ displayName: 'Ada', tenantName: 'Example Corp', deadline: new Date('2027-03-31T00:00:00Z'), overdue: true, publicUrl: 'https://sspr.example.org', t });
    expect(overdue.subject).toBe('Example Corp: registering a way to reset your password is overdue');
    expect(overdue.text).toContain('The deadline to register was 2027-03-31.');
    const plain = renderEnrolmentReminder({ displayName: 'Ada', tenantName: 'Example Corp', deadline: null, overdue: false, publicUrl: 'https://sspr.example.org', t });
    expect(plain.text).not.toMatch(/deadline|register by/i);
  });

  it('expiry: the time, the days left (singular and plural) and a link to /change', () => {
    const soon = renderExpiryReminder({ displayName: 'Ada', tenantName: 'Example Corp', expiresAt: new Date('2026-04-01T10:00:00Z'), daysLeft: 1, publicUrl: 'https://sspr.example.org', t });
    expect(soon.subject).toBe('Example Corp: your password expires tomorrow');
    expect(soon.text).toContain('expires at 2026-04-01 10:00:00 UTC, in less than a day');
    expect(soon.html).toContain('href="https://sspr.example.org/change"');
    const later = renderExpiryReminder({ displayName: 'Ada', tenantName: 'Example Corp', expiresAt: new Date('2026-04-01T10:00:00Z'), daysLeft: 7, publicUrl: 'https://sspr.example.org', t });
    expect(later.subject).toBe('Example Corp: your password expires in 7 days');
  });
});
