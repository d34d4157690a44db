import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { RawConfig } from '../../src/config/schema.js';
import { freePort, servicesRequired } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, available, CAROL, CHROMIUM, missing } from './browser.js';
import { arrive, checkLanguagePage, LANGUAGES, NARROW, submitMain } from './language-pages.js';
import { watch } from './page-checks.js';

/**
 * Every state of every portal page a person can meet, in every installed language, in Chromium at 320 px:
 * `<html lang dir>` is the language's, axe (WCAG 2.2 AA) finds nothing, the CSP holds, and nothing scrolls
 * sideways. The states are those the English tests walk (security info: sign-in and its errors, access-pass
 * sign-in, the second step, the list, authenticator app name and QR, passkey, phone, email, backup codes,
 * questions, rename, test, remove; enrol and its refusal; reset: start and its errors, code and a wrong code,
 * the page for another browser, the emailed link, an ended link, the second proof, questions, new password and
 * a refused one, done; unlock; change, refused, done; "this wasn't me" and after; errors 404, 429 and 503).
 *
 * One Chromium; one app per language (a fresh database: every language walks the same accounts from the start);
 * pages visited in sequence, driven by ids and addresses, never by texts, so the walk is the same in every
 * language. About 17 s per language on a 2-core machine (45 s when it is busy).
 */

/** A tenant whose directory nobody answers: its pages show the outage (503). */
const DOWN_TENANT = async () => ({
  id: 'down', name: 'Down Inc',
  directories: [{ type: 'ldap' as const, url: `ldap://127.0.0.1:${await freePort()}`, insecure: true, bindDn: 'cn=svc,dc=down', bindPassword: 'unused', baseDn: 'dc=down', connectTimeoutMs: 2000 }],
});

const overrides = async (baseUrl: string): Promise<RawConfig> => ({
  publicUrl: baseUrl,
  // Two proofs, so the second-proof and questions pages exist; SMS configured so the phone page does (never called).
  policy: { default: { allowedMethods: ['email_code', 'email_link', 'totp', 'backup_code', 'questions', 'webauthn', 'sms_code'], requiredMethods: 2 } },
  sms: { providers: [{ type: 'webhook', url: 'https://sms.example.internal/send' }] },
  // A small per-identifier limit on starts, so that a fourth start for one name shows the 429 page.
  rateLimits: { start_identifier: { points: 3, durationSeconds: 600 } },
  tenants: [{ id: 'demo', name: 'Demo Company' }, await DOWN_TENANT()],
  defaultTenant: 'demo',
});

const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const ANSWERS = ['Mister Flopsy', 'Kraftwerk in Düsseldorf', 'Valparaíso'];

/**
 * The walk for some of the installed languages: the `portal-pages-*.test.ts` files each take a share of
 * {@link LANGUAGES}, so that the walk, the longest e2e test, runs on several test workers at once.
 */
export function everyPortalPageIn(languages: (all: readonly string[]) => readonly string[]): void {
  describe.sequential('e2e: every portal page in every language passes axe and fits 320 px, right to left included', () => {
    let browser: Browser | undefined;
    beforeAll(async () => {
      if (!available) {
        if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
        return;
      }
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--host-resolver-rules=MAP localhost 127.0.0.1'] });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    for (const lng of languages(LANGUAGES)) {
      it(`${lng}: every page state`, async (ctx) => {
        if (!available || !browser) ctx.skip(missing);
        const port = await freePort();
        const baseUrl = `http://localhost:${port}`;
        const t = await startTestApp({ overrides: await overrides(baseUrl) });
        await t.server.listen({ host: '127.0.0.1', port });
        const contexts: BrowserContext[] = [];
        const open = async (): Promise<{ page: Page; problems: string[] }> => {
          const context = await browser!.newContext({ viewport: NARROW, locale: lng });
          contexts.push(context);
          // The switcher's cookie, as a person who picked the language would have it.
          await context.addCookies([{ name: 'unlatch_lang', value: lng, url: baseUrl }]);
          const page = await context.newPage();
          page.setDefaultTimeout(10_000);
          return { page, problems: await watch(context, page) };
        };
        try {
          const walk = new Walk(t, baseUrl, lng, await open());
          await walk.securityInfo();
          await walk.reset();
          await walk.elsewhere((await open()).page);
          await walk.questions();
          await walk.unlock();
          await walk.change();
          await walk.report();
          await walk.errors();
        } finally {
          for (const context of contexts) await context.close();
          await t.close();
        }
      }, 180_000);
    }
  });
}

/** One language's walk through the portal: each step leads to a page state and checks it. */
class Walk {
  private readonly page: Page;
  private readonly problems: string[];
  private totpSecret = '';

  constructor(
    private readonly t: TestApp,
    private readonly baseUrl: string,
    private readonly lng: string,
    first: { page: Page; problems: string[] },
  ) {
    this.page = first.page;
    this.problems = first.problems;
  }

  private check(label: string, statuses: readonly number[] = [], page = this.page, problems = this.problems): Promise<void> {
    return checkLanguagePage(page, label, { lng: this.lng, problems, statuses });
  }

  private async goto(path: string, label: string, status = 200): Promise<void> {
    const response = await this.page.goto(`${this.baseUrl}${path}`);
    expect(response?.status(), `${this.lng}: ${label}: status of ${path}`).toBe(status);
    await this.check(label, status === 200 ? [] : [status]);
  }

  private url(path: string): string {
    return `${this.baseUrl}${path}`;
  }

  /** A fresh code from the authenticator app on the server's clock (a used one cannot be used again). */
  private appCode(): string {
    this.t.clock.advance(30);
    return totpAt(this.totpSecret, this.t.clock.now().getTime());
  }

  /** The code of the newest mail to `address` that carries one (subjects are in the page's language, so not matched). */
  private async newestCode(address: string = ALICE.email): Promise<string> {
    await this.t.deliverMail();
    for (const mail of await this.t.mailsTo(address)) {
      const code = /(?:^|\s)(\d{6,10})(?:\s|$)/m.exec(mail.text)?.[1];
      if (code) return code;
    }
    throw new Error(`no code mail to ${address}`);
  }

  private async signIn(password: string, username: string = ALICE.username): Promise<void> {
    await this.page.goto(this.url('/security-info/sign-in'));
    await this.page.locator('#identifier').fill(username);
    await this.page.locator('#password').fill(password);
    await submitMain(this.page);
  }

  private async setQuestions(): Promise<void> {
    for (const [i, answer] of ANSWERS.entries()) {
      await this.page.locator(`#question-${i + 1}`).selectOption({ index: i + 1 });
      await this.page.locator(`#answer-${i + 1}`).fill(answer);
    }
    await submitMain(this.page);
    await arrive(this.page, /\/security-info\?done=/, this.lng);
  }

  /**
   * Security questions as the second proof: offered only to a person with nothing stronger registered (an app
   * would make them the weaker way in), so Carol sets them and resets with them.
   */
  async questions(): Promise<void> {
    const { page, lng } = this;
    await this.signIn(CAROL.password, CAROL.username);
    await arrive(page, this.url('/security-info'), lng);
    await page.goto(this.url('/security-info/questions'));
    await this.setQuestions();
    await page.locator('form[action="/security-info/sign-out"] button').click();
    await arrive(page, this.url('/'), lng);
    await page.goto(this.url('/reset'));
    await page.locator('#identifier').fill(CAROL.username);
    await submitMain(page);
    await arrive(page, this.url('/reset/code'), lng);
    await page.locator('#code').fill(await this.newestCode(CAROL.email));
    await submitMain(page);
    await arrive(page, this.url('/reset/second'), lng);
    await this.check('reset: second proof by questions');
    await this.goto('/reset/second/questions', 'reset: security questions');
    await page.locator('#answer-1').fill('not the answer');
    for (let i = 2; i <= ANSWERS.length; i++) await page.locator(`#answer-${i}`).fill('');
    await submitMain(page, 'main form[action="/reset/second/questions"]');
    await this.check('reset: security questions with their errors', [400, 422]);
  }

  async securityInfo(): Promise<void> {
    const { page, lng } = this;
    await this.goto('/security-info/sign-in', 'security-info sign-in');
    await submitMain(page);
    await arrive(page, this.url('/security-info/sign-in'), lng);
    await this.check('security-info sign-in with its errors', [400, 401, 422]);
    await this.goto('/security-info/sign-in/pass', 'access-pass sign-in');
    await this.goto(`/enroll?returnTo=${encodeURIComponent('https://elsewhere.example/')}`, 'enrol refused', 400);

    await this.signIn(ALICE.password);
    await arrive(page, this.url('/security-info'), lng);
    await this.check('security info, nothing registered');
    await this.goto('/enroll', 'enrol: what is missing');

    await this.goto('/security-info/totp', 'authenticator app: its name');
    await submitMain(page);
    await page.locator('code.secret').waitFor();
    await this.check('authenticator app: QR code and key');
    this.totpSecret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s+/g, '');
    await page.locator('#code').fill(totpAt(this.totpSecret, this.t.clock.now().getTime()));
    await submitMain(page);
    await arrive(page, this.url('/security-info?done=added'), lng);
    await this.check('security info with an app, and its notice');

    await this.goto('/security-info/passkey', 'passkey');
    await this.goto('/security-info/phone', 'phone');
    await this.goto('/security-info/email', 'another email address');
    await this.goto('/security-info/questions', 'security questions');
    await this.setQuestions();

    await page.goto(this.url('/security-info'));
    await page.locator('form[action="/security-info/backup-codes"] button').click();
    await page.locator('ol.backup-codes').waitFor();
    await this.check('backup codes');

    await page.goto(this.url('/security-info'));
    await page.locator('a[href^="/security-info/rename"]').first().click();
    await arrive(page, /\/security-info\/rename\?methodId=/, lng);
    await this.check('rename');
    await page.goto(this.url('/security-info'));
    await page.locator('a[href^="/security-info/test"]').first().click();
    await arrive(page, /\/security-info\/test\?methodId=/, lng);
    await this.check('test a method');
    await page.locator('#code').fill('000000');
    await submitMain(page);
    await this.check('test a method: a wrong code', [400, 422]);
    await page.goto(this.url('/security-info'));
    await page.locator('a[href^="/security-info/remove"]').first().click();
    await arrive(page, /\/security-info\/remove\?methodId=/, lng);
    await this.check('remove: confirm');

    // Signing in again with a method registered asks for it.
    await page.goto(this.url('/security-info'));
    await page.locator('form[action="/security-info/sign-out"] button').click();
    await arrive(page, this.url('/'), lng);
    await this.check('home');
    await this.signIn(ALICE.password);
    await arrive(page, this.url('/security-info/verify'), lng);
    await this.check('security info: the second step');
    await page.locator('#method-totp').check();
    await page.locator('#code').fill(this.appCode());
    await submitMain(page);
    await arrive(page, this.url('/security-info'), lng);
    await page.locator('form[action="/security-info/sign-out"] button').click();
    await arrive(page, this.url('/'), lng);
  }

  /** The reset: Alice has an app (`securityInfo` ran) and proves it's her twice. */
  async reset(): Promise<void> {
    const { page, lng } = this;
    await this.goto('/reset', 'reset: start');
    await submitMain(page);
    await this.check('reset: start with its error', [400, 422]);
    await page.locator('#identifier').fill(ALICE.username);
    await submitMain(page);
    await arrive(page, this.url('/reset/code'), lng);
    await this.check('reset: code');
    expect(await page.locator('#code').getAttribute('dir'), `${lng}: the code reads left to right`).toBe('ltr');
    await page.locator('#code').fill('000000');
    await submitMain(page);
    await this.check('reset: a wrong code', [400, 422]);
    for (const method of ['totp', 'backup_code']) await this.goto(`/reset/code?method=${method}`, `reset: code by ${method}`);

    // The emailed link's page (GET shows a page; only its form would spend the token), and a link that ended.
    await this.t.deliverMail();
    const link = (await this.t.mailsTo(ALICE.email)).map((m) => /\/reset\/link\?token=[A-Za-z0-9_%-]+/.exec(m.text)?.[0]).find(Boolean);
    if (!link) throw new Error(`${lng}: no link in Alice's code mail`);
    await this.goto(link, 'reset: the emailed link');

    await page.goto(this.url('/reset/code'));
    await page.locator('#code').fill(await this.newestCode());
    await submitMain(page);
    await arrive(page, this.url('/reset/second'), lng);
    await this.check('reset: second proof');
    await page.locator('#method-totp').check();
    await page.locator('#code').fill(this.appCode());
    await submitMain(page, 'main form[action="/reset/second"]');
    await arrive(page, this.url('/reset/password'), lng);
    await this.check('reset: new password');
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#confirm').fill(`${NEW_PASSWORD}x`);
    await submitMain(page);
    await this.check('reset: new password refused', [400, 422]);
    await page.locator('#password').fill(NEW_PASSWORD);
    await page.locator('#confirm').fill(NEW_PASSWORD);
    await submitMain(page);
    await arrive(page, /\/reset\/done/, lng);
    await this.check('reset: done');
  }

  /** Another browser opens the code page (the mail's address): the page for going on elsewhere, then where to finish; an ended link. */
  async elsewhere(other: Page): Promise<void> {
    const problems = await watch(other.context(), other);
    await other.goto(this.url('/reset/code'));
    await this.check('reset: code page in another browser', [], other, problems);
    await other.locator('a[href="/reset/code?resume=1"]').click();
    await arrive(other, this.url('/reset/code?resume=1'), this.lng);
    await this.check('reset: finish where you started', [], other, problems);
    // A link that ended (here: never was); it forgets the browser's flow, so not in the walk's own browser.
    expect((await other.goto(this.url('/reset/link?token=nosuchtoken')))?.status()).toBe(410);
    await this.check('reset: ended', [410], other, problems);
  }

  async unlock(): Promise<void> {
    const { page, lng } = this;
    await this.goto('/unlock', 'unlock: start');
    await page.locator('#identifier').fill(ALICE.username);
    await submitMain(page);
    await arrive(page, this.url('/reset/code'), lng);
    await page.locator('#code').fill(await this.newestCode());
    await submitMain(page);
    await arrive(page, this.url('/reset/second'), lng);
    await page.locator('#method-totp').check();
    await page.locator('#code').fill(this.appCode());
    await submitMain(page, 'main form[action="/reset/second"]');
    await arrive(page, this.url('/reset/unlock'), lng);
    await this.check('unlock: the button');
    await submitMain(page);
    await arrive(page, /\/reset\/unlocked/, lng);
    await this.check('unlock: done (the account was not locked)');
    await this.goto('/reset/unlocked', 'unlock: done');
  }

  async change(): Promise<void> {
    const { page, lng } = this;
    await this.goto('/change', 'change');
    await page.locator('#identifier').fill(ALICE.username);
    await page.locator('#currentPassword').fill(ALICE.password);
    await page.locator('#newPassword').fill(`${NEW_PASSWORD} later`);
    await page.locator('#confirmPassword').fill(`${NEW_PASSWORD} later`);
    await submitMain(page);
    await arrive(page, this.url('/change'), lng);
    await this.check('change refused', [400, 401, 422]);
    await page.locator('#currentPassword').fill(NEW_PASSWORD);
    await page.locator('#newPassword').fill(`${NEW_PASSWORD} later`);
    await page.locator('#confirmPassword').fill(`${NEW_PASSWORD} later`);
    await submitMain(page);
    await arrive(page, /\/change\/done/, lng);
    await this.check('change: done');
  }

  async report(): Promise<void> {
    const { t, page, lng } = this;
    // A real notice to Alice, queued as every notice is, so its link carries a live token.
    const alice = await t.accountOf('alice');
    await t.app.store.transaction((tx) => tx.outbox.enqueue({
      channel: 'email', template: 'password_changed', tenantId: 'demo', to: ALICE.email,
      data: { displayName: 'Alice Archer', tenantName: 'Demo', when: t.clock.now().toISOString(), ip: '192.0.2.7', lang: lng },
      idempotencyKey: `e2e-notice-${lng}`, flowId: null, subjectId: alice.id,
    }));
    await t.deliverMail();
    const link = (await t.mailsTo(ALICE.email)).map((m) => /(http:\/\/localhost:\d+\/report\?token=[A-Za-z0-9_%-]+)/.exec(m.text)?.[1]).find(Boolean);
    if (!link) throw new Error(`${lng}: no "this wasn't me" link in Alice's mail`);
    await page.goto(link);
    await this.check("this wasn't me: confirm");
    await submitMain(page);
    await page.locator('h1').waitFor();
    await this.check("this wasn't me: what happens next");
  }

  async errors(): Promise<void> {
    const { page, lng } = this;
    await this.goto('/no-such-page', 'error 404', 404);
    // The fourth start for one name within the window: 429 (the same page whether or not the name exists).
    for (let i = 1; i <= 4; i++) {
      await page.goto(this.url('/reset'));
      await page.locator('#identifier').fill('nobody-by-this-name');
      await submitMain(page);
      await page.waitForLoadState('load');
    }
    expect(this.problems, `${lng}: the fourth start answered 429`).toContain(`HTTP 429 ${this.url('/reset')}`);
    await this.check('error 429', [429]);
    expect(await page.evaluate<string>('location.pathname'), `${lng}: the 429 page`).toBe('/reset');
    // The tenant whose directory is down: 503.
    await page.goto(this.url('/reset'));
    await page.locator('#tenant').selectOption('down');
    await page.locator('#identifier').fill('bob');
    await submitMain(page);
    await page.waitForLoadState('load');
    expect(this.problems, `${lng}: the outage answered 503`).toContain(`HTTP 503 ${this.url('/reset')}`);
    await this.check('error 503', [503]);
  }
}
