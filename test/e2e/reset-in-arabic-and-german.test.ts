import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ALICE, available, CAROL, missing, PHONE, screenshot, useBrowser, type BrowserSuite } from './browser.js';
import { checkLanguagePage, LANGUAGES } from './language-pages.js';
import { watch } from './page-checks.js';

/** The texts a person reads on the way, as the translators wrote them (locales/<lng>/portal.json and mail.json). */
interface Texts {
  forgot: string;
  startTitle: string;
  identifier: string;
  send: string;
  codeTitle: string;
  code: string;
  next: string;
  passwordTitle: string;
  newPassword: string;
  confirm: string;
  setPassword: string;
  doneTitle: string;
  manage: string;
  signInTitle: string;
  currentPassword: string;
  signIn: string;
  infoTitle: string;
  mailSubject: string;
}

const WALKS: Array<{ lng: string; locale: string; dir: 'rtl' | 'ltr'; person: typeof ALICE | typeof CAROL; password: string; texts: Texts }> = [
  {
    lng: 'ar', locale: 'ar-EG', dir: 'rtl', person: ALICE, password: 'رمال واحة نخيل قافلة 47',
    texts: {
      forgot: 'نسيت كلمة المرور',
      startTitle: 'إعادة تعيين كلمة المرور',
      identifier: 'اسم المستخدم أو البريد الإلكتروني',
      send: 'أرسِل لي رمزًا',
      codeTitle: 'أدخِل الرمز',
      code: 'الرمز',
      next: 'متابعة',
      passwordTitle: 'اختر كلمة مرور جديدة',
      newPassword: 'كلمة المرور الجديدة',
      confirm: 'تأكيد كلمة المرور الجديدة',
      setPassword: 'تعيين كلمة المرور الجديدة',
      doneTitle: 'تمت إعادة تعيين كلمة المرور',
      manage: 'إدارة معلومات الأمان الخاصة بك',
      signInTitle: 'سجّل الدخول لإدارة معلومات الأمان الخاصة بك',
      currentPassword: 'كلمة المرور الحالية',
      signIn: 'تسجيل الدخول',
      infoTitle: 'معلومات الأمان الخاصة بك',
      mailSubject: 'رمز إعادة تعيين كلمة المرور الخاصة بك في',
    },
  },
  {
    lng: 'de', locale: 'de-DE', dir: 'ltr', person: CAROL, password: 'Kastanienallee Straßenbahn Frühstück 47',
    texts: {
      forgot: 'Ich habe mein Passwort vergessen',
      startTitle: 'Passwort zurücksetzen',
      identifier: 'Benutzername oder E-Mail-Adresse',
      send: 'Code senden',
      codeTitle: 'Code eingeben',
      code: 'Code',
      next: 'Weiter',
      passwordTitle: 'Neues Passwort wählen',
      newPassword: 'Neues Passwort',
      confirm: 'Neues Passwort bestätigen',
      setPassword: 'Neues Passwort festlegen',
      doneTitle: 'Ihr Passwort wurde zurückgesetzt',
      manage: 'Sicherheitsinformationen verwalten',
      signInTitle: 'Anmelden, um Ihre Sicherheitsinformationen zu verwalten',
      currentPassword: 'Aktuelles Passwort',
      signIn: 'Anmelden',
      infoTitle: 'Ihre Sicherheitsinformationen',
      mailSubject: 'Ihr Code zum Zurücksetzen des Passworts für',
    },
  },
];

interface OutboxEntry {
  to: string;
  subject: string;
  text: string;
}

/** Polls the dev outbox, as a developer would, until a mail with a code reaches `address`; returns it. */
async function codeMail(baseUrl: string, address: string): Promise<OutboxEntry & { code: string }> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const mails = (await (await fetch(`${baseUrl}/dev/outbox.json`)).json()) as OutboxEntry[];
    for (const mail of mails.filter((m) => m.to === address)) {
      const code = /(?:^|\s)(\d{6,10})(?:\s|$)/m.exec(mail.text)?.[1];
      if (code) return { ...mail, code };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no code mail to ${address} in the dev outbox`);
}

async function heading(page: Page): Promise<string> {
  return ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();
}

/**
 * A whole reset in Arabic and in German, in Chromium on a phone, the language chosen by the
 * browser's own Accept-Language (no switcher): start, the code from the dev outbox (its mail in the same
 * language), the new password, done, then signing in to the security info with the new password. The page is
 * found by the texts of that language (a label or button in another language would not be found), `<html>` says
 * the language and direction, codes read left to right, and every page passes axe at phone size. The screenshots
 * (`reset-<lng>-*.png`) go to docs/screenshots with UNLATCH_SCREENSHOTS=1.
 */
describe('e2e: a whole reset in Arabic and in German', () => {
  const suite = useBrowser();

  for (const walk of WALKS) {
    it(`${walk.lng}: start, emailed code, new password, done, and the new password signs in`, async (ctx) => {
      if (!available) ctx.skip(missing);
      await resetIn(suite, walk);
    }, 90_000);
  }

  it('shows the start page in every installed language, for docs/languages.md (start-<lng>.png)', async (ctx) => {
    if (!available) ctx.skip(missing);
    for (const lng of LANGUAGES) {
      const context = await suite.browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: lng });
      try {
        const page = await context.newPage();
        await page.goto(`${suite.baseUrl}/reset`);
        expect(await page.evaluate<string>('document.documentElement.lang')).toBe(lng);
        await screenshot(page, `start-${lng}.png`);
      } finally {
        await context.close();
      }
    }
  });
});

async function resetIn(suite: BrowserSuite, walk: (typeof WALKS)[number]): Promise<void> {
  const { baseUrl } = suite;
  const { lng, texts: x, person } = walk;
  // JavaScript on: axe runs in the page (its timers do not fire in a page without JavaScript).
  // At 1 device pixel per CSS pixel: ten shots of evidence, kept small (the guide's own shots are at 2).
  const context = await suite.browser.newContext({ viewport: PHONE, deviceScaleFactor: 1, locale: walk.locale });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems = await watch(context, page);
    const check = async (label: string) => {
      expect(await page.evaluate<{ lang: string; dir: string }>('({ lang: document.documentElement.lang, dir: document.documentElement.dir })')).toEqual({ lang: lng, dir: walk.dir });
      await checkLanguagePage(page, label, { lng, problems });
    };

    await page.goto(`${baseUrl}/`);
    await check('home');
    await page.getByRole('link', { name: x.forgot }).click();
    await page.waitForURL(`${baseUrl}/reset`);
    expect(await heading(page)).toBe(x.startTitle);
    await page.getByLabel(x.identifier).fill(person.username);
    await check('start');
    await screenshot(page, `reset-${lng}-start.png`);
    await page.getByRole('button', { name: x.send }).click();

    await page.waitForURL(`${baseUrl}/reset/code`);
    expect(await heading(page)).toBe(x.codeTitle);
    const field = page.getByLabel(x.code, { exact: true });
    // The code reads left to right on a right-to-left page.
    expect(await field.getAttribute('dir')).toBe('ltr');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('#code')).direction")).toBe('ltr');
    const mail = await codeMail(baseUrl, person.email);
    // The mail is in the language the reset was started in.
    expect(mail.subject).toContain(x.mailSubject);
    await field.fill(mail.code);
    await check('code');
    await screenshot(page, `reset-${lng}-code.png`);
    await page.getByRole('button', { name: x.next, exact: true }).click();

    await page.waitForURL(`${baseUrl}/reset/password`);
    expect(await heading(page)).toBe(x.passwordTitle);
    await page.getByLabel(x.newPassword, { exact: true }).fill(walk.password);
    await page.getByLabel(x.confirm, { exact: true }).fill(walk.password);
    await check('new password');
    await screenshot(page, `reset-${lng}-password.png`);
    await page.getByRole('button', { name: x.setPassword }).click();

    await page.waitForURL(`${baseUrl}/reset/done`);
    expect(await heading(page)).toBe(x.doneTitle);
    await check('done');
    await screenshot(page, `reset-${lng}-done.png`);

    // The new password signs in to the security info.
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: x.manage }).click();
    await page.waitForURL(`${baseUrl}/security-info/sign-in`);
    expect(await heading(page)).toBe(x.signInTitle);
    await page.getByLabel(x.identifier).fill(person.username);
    await page.getByLabel(x.currentPassword).fill(walk.password);
    await page.getByRole('button', { name: x.signIn, exact: true }).click();
    await page.waitForURL(`${baseUrl}/security-info`);
    expect(await heading(page)).toBe(x.infoTitle);
    await check('security info');
    await screenshot(page, `reset-${lng}-security-info.png`);
  } finally {
    await context.close();
  }
}
