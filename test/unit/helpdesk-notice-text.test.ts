import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderHelpdeskAction, renderHelpdeskCode } from '../../src/adapters/mail/helpdesk-mail.js';
import type { MailT } from '../../src/adapters/mail/templates.js';
import { renderHelpdeskSms } from '../../src/adapters/sms/helpdesk-sms-text.js';
import { renderSmsCode } from '../../src/adapters/sms/sms-text.js';

const strings = JSON.parse(readFileSync(new URL('../../locales/en/mail.json', import.meta.url), 'utf8')) as Record<string, string>;

describe('helpdesk mail and text messages', () => {
  let t: MailT;
  beforeAll(async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', resources: { en: { mail: strings } } });
    t = i18n.getFixedT('en', 'mail') as MailT;
  });

  const base = { displayName: 'Alice <b>', tenantName: 'Acme', ticket: 'INC-1 <x>', when: new Date('2026-12-07T10:00:00Z'), expiresAt: null, methodName: '', publicUrl: 'https://reset.example.org' };

  it('tells the person what the helpdesk did, with the ticket, and what to do if they did not call', () => {
    const unlock = renderHelpdeskAction({ ...base, action: 'unlock', t });
    expect(unlock.subject).toBe('The Acme helpdesk changed your account');
    expect(unlock.text).toContain('unlocked your account at 2026-12-07 10:00:00 UTC (ticket INC-1 <x>)');
    expect(unlock.text).toContain('If you did not call the helpdesk');
    expect(unlock.text).toContain('https://reset.example.org/reset');
    expect(unlock.html).not.toContain('<x>');
    expect(unlock.html).toContain('INC-1 &lt;x&gt;');
    const pass = renderHelpdeskAction({ ...base, action: 'access_pass', expiresAt: new Date('2026-12-07T11:00:00Z'), t });
    expect(pass.text).toContain('works until 2026-12-07 11:00:00 UTC');
    const removed = renderHelpdeskAction({ ...base, action: 'remove_method', methodName: 'Mobile', t });
    expect(removed.text).toContain('removed “Mobile”');
  });

  it("the caller-check code says to read it only to a helpdesk the person called; other codes still say never share", () => {
    const mail = renderHelpdeskCode({ code: '123456', displayName: 'Alice', tenantName: 'Acme', expiresInMinutes: 10, t });
    expect(mail.text).toContain('123456');
    expect(mail.text).toContain('Read it only to a helpdesk you called yourself');
    const sms = renderSmsCode({ code: '123456', tenantName: 'Acme', expiresInMinutes: 10, purpose: 'helpdesk' }, t);
    expect(sms).toMatch(/^123456 is your Acme helpdesk code\. Read it only to a helpdesk agent you called yourself/);
    expect(renderSmsCode({ code: '123456', tenantName: 'Acme', expiresInMinutes: 10, purpose: 'reset' }, t)).toContain('Never share it');
  });

  it('texts a notice with no secret and no link', () => {
    const text = renderHelpdeskSms({ tenantName: 'Acme', action: 'one_time_password', ticket: 'INC-7' }, t);
    expect(text).toBe('The Acme helpdesk set a one-time password for your account (ticket INC-7). If you did not call the helpdesk, tell your IT team now.');
    expect(renderHelpdeskSms({ tenantName: '', action: 'bogus', ticket: '' }, t)).toBe('The helpdesk changed your account. If you did not call the helpdesk, tell your IT team now.');
  });
});
