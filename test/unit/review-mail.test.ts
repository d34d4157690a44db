import { readFileSync } from 'node:fs';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReviewDecided, reviewVerdictOf } from '../../src/adapters/mail/review-mail.js';
import type { MailT } from '../../src/adapters/mail/templates.js';

const catalogue = (lng: string) => JSON.parse(readFileSync(new URL(`../../locales/${lng}/mail.json`, import.meta.url), 'utf8')) as Record<string, string>;

describe('the notice of a review decision', () => {
  const t: Record<string, MailT> = {};
  beforeAll(async () => {
    for (const lng of ['en', 'de']) {
      const i18n = i18next.createInstance();
      await i18n.init({ lng, fallbackLng: 'en', ns: ['mail'], defaultNS: 'mail', keySeparator: false, resources: { [lng]: { mail: catalogue(lng) }, en: { mail: catalogue('en') } } });
      t[lng] = i18n.getFixedT(lng, 'mail') as MailT;
    }
  });
  const base = { displayName: 'Ivan <b>', tenantName: 'Acme', when: new Date('2026-12-07T10:00:00Z'), expiresAt: new Date('2026-12-07T10:15:00Z'), publicUrl: 'https://reset.example.org/' };

  it('approved: go back to the browser where you started, before the step runs out; the link carries no secret', () => {
    const mail = renderReviewDecided({ ...base, verdict: 'approve', purpose: 'reset', supportContact: 'helpdesk@acme.example', t: t.en! });
    expect(mail.subject).toBe('Your Acme password reset was approved');
    expect(mail.text).toContain('before 2026-12-07 10:15:00 UTC, to choose your new password: https://reset.example.org/reset/review.');
    expect(mail.text).toContain('Contact helpdesk@acme.example');
    expect(mail.html).toContain('href="https://reset.example.org/reset/review"');
    expect(mail.html).toContain('Ivan &lt;b&gt;');
    const unlock = renderReviewDecided({ ...base, verdict: 'approve', purpose: 'unlock', t: t.en! });
    expect(unlock.text).toContain('to unlock your account');
    expect(unlock.text).toContain('Contact your IT helpdesk');
  });

  it('rejected: nothing changed, and no link at all', () => {
    const mail = renderReviewDecided({ ...base, verdict: 'reject', purpose: 'reset', t: t.en! });
    expect(mail.subject).toBe('Your Acme password reset was not approved');
    expect(mail.text).toContain('Your password has not changed.');
    expect(mail.text).not.toMatch(/https?:/);
    expect(mail.html).not.toContain('href="https://reset.example.org');
  });

  it('speaks the person\'s language, and an unknown stored verdict is told as a rejection', () => {
    expect(renderReviewDecided({ ...base, verdict: 'approve', purpose: 'reset', t: t.de! }).subject).toBe('Ihre Passwortzurücksetzung bei Acme wurde freigegeben');
    expect(reviewVerdictOf('approve')).toBe('approve');
    expect(reviewVerdictOf('maybe')).toBe('reject');
    expect(reviewVerdictOf(undefined)).toBe('reject');
  });
});
