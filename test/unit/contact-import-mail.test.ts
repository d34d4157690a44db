import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderContactsImported } from '../../src/adapters/mail/contacts-imported-mail.js';
import type { MailT } from '../../src/adapters/mail/templates.js';

const strings = JSON.parse(readFileSync(new URL('../../locales/en/mail.json', import.meta.url), 'utf8')) as Record<string, string>;
let t: MailT;

beforeAll(async () => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng: 'en', fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', resources: { en: { mail: strings } } });
  const fixed = i18n.getFixedT('en', 'mail');
  t = (key, options) => fixed(key, options);
});

const base = () => ({ displayName: 'Ada Lovelace', tenantName: 'Example Corp', when: new Date('2026-12-07T10:00:00Z'), added: 'a•••@example.net, •••• 1800', publicUrl: 'https://sspr.example.org/', t });

describe('the "contact details were added by your organisation" notice', () => {
  it('says what was added, from where, that it must be confirmed, and where to remove it', () => {
    const mail = renderContactsImported({ ...base(), confirmed: false, source: 'import' });
    expect(mail.subject).toBe('Contact details were added to your Example Corp account');
    expect(mail.text).toContain('Your organisation added these contact details from its HR records to your Example Corp security info at 2026-12-07 10:00:00 UTC: a•••@example.net, •••• 1800.');
    expect(mail.text).toContain('They are not used for password resets until you confirm them: open https://sspr.example.org/security-info');
    expect(mail.text).toContain('remove it at https://sspr.example.org/security-info and tell your IT helpdesk');
    expect(mail.html).toContain('<a href="https://sspr.example.org/security-info"');
  });

  it('trusted data from the directory: usable at once; a support contact named; values cleaned and escaped', () => {
    const mail = renderContactsImported({ ...base(), added: '<b>x</b>\u202Eevil', confirmed: true, source: 'directory', supportContact: 'help@example.org' });
    expect(mail.text).toContain('from its directory');
    expect(mail.text).toContain('They can now receive password reset codes.');
    expect(mail.text).toContain('tell help@example.org and remove it');
    expect(mail.text).not.toContain('\u202E');
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(mail.html).not.toContain('<b>x</b>');
  });
});
