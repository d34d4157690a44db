import { describe, expect, it } from 'vitest';
import { loadI18n } from '../../src/adapters/i18n/load-i18n.js';
import { brandMails, mailBrandsOf, withBand } from '../../src/adapters/mail/mail-brand.js';
import { createMailRenderer } from '../../src/adapters/mail/mail-renderer.js';
import type { ClaimedMessage } from '../../src/adapters/store/outbox-repository.js';

const i18n = loadI18n();
const PUBLIC_URL = 'https://reset.example.org';

function notice(tenantId: string): ClaimedMessage {
  return {
    id: `password_changed:${tenantId}`, idempotencyKey: `password_changed:${tenantId}`, channel: 'email', template: 'password_changed', tenantId,
    flowId: null, subjectId: 'u1', attempts: 0, to: 'person@example.org', decoy: false,
    data: { displayName: 'Pat', tenantName: tenantId === 'acme' ? 'Acme Corp' : 'Plain Ltd', when: '2026-05-01T12:00:00.000Z', ip: '192.0.2.1' },
  };
}

/** Real templates, real texts: the renderer Unlatch's worker uses, wrapped as app.ts wraps it. */
const render = brandMails(
  mailBrandsOf({
    publicUrl: PUBLIC_URL,
    tenants: [
      { id: 'acme', name: 'Acme Corp <IT>', operators: [], branding: { primaryColor: '#5b21b6', logo: '/etc/unlatch/acme.png', support: { email: 'help@acme.example', phone: '+1 555 0100' } } },
      { id: 'plain', name: 'Plain Ltd', operators: [] },
    ],
  }),
  (supportContact) => createMailRenderer({ i18n, publicUrl: PUBLIC_URL, supportContact: supportContact ?? 'it@global.example' }),
);

describe('branded mails', () => {
  it("open a branded tenant's HTML mail with its band, escaped, and name its helpdesk", () => {
    const mail = render(notice('acme'));
    expect(mail.html).toContain('<div style="margin:-24px -24px 24px;padding:16px 24px;background-color:#5b21b6;border-radius:8px 8px 0 0;">');
    expect(mail.html).toContain('<img src="https://reset.example.org/assets/brand/acme/logo" alt="" height="40"');
    expect(mail.html).toContain('>Acme Corp &lt;IT&gt;</span>');
    // The tenant's helpdesk mail address, not the global one, in the text and the HTML.
    expect(mail.text).toContain('help@acme.example');
    expect(mail.text).not.toContain('it@global.example');
    expect(mail.html).toContain('<a href="mailto:help@acme.example"');
  });

  it('leave a tenant without branding as it was, with the configured contact', () => {
    const plain = render(notice('plain'));
    const unwrapped = createMailRenderer({ i18n, publicUrl: PUBLIC_URL, supportContact: 'it@global.example' })(notice('plain'));
    expect(plain).toEqual(unwrapped);
    expect(plain.text).toContain('it@global.example');
  });

  it('put the band first in the card, and nowhere without one', () => {
    const html = '<body><div role="article" aria-label="x" style="a"><h1>T</h1></div></body>';
    const banded = withBand(html, { name: 'N', logoUrl: null, colour: 'red;background:url(x)' });
    expect(banded).toMatch(/^<body><div role="article" aria-label="x" style="a">\n<div style="[^"]*background-color:#1b1b1b;[^"]*"><span [^>]*>N<\/span><\/div><h1>T<\/h1>/);
    expect(withBand('<p>no card</p>', { name: 'N', logoUrl: null, colour: '#000000' })).toBe('<p>no card</p>');
  });
});
