import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { addAuthenticatorApp, ALICE, available, CAROL, codeFromOutbox, expectNoSidewaysScroll, missing, phonePage, PHONE, screenshot, useBrowser, type BrowserSuite } from './browser.js';

const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const LATER_PASSWORD = 'saffron viaduct plankton orbit 93';
const BOB = { username: 'bob', email: 'bob@example.com' };

/** The code the app shows now on the server's clock (the listening app runs on the suite's TestClock). */
const appCode = (suite: BrowserSuite, secret: string) => totpAt(secret, suite.t.clock.now().getTime());

/** Starts a reset for `username` from the home page and lands on the code page. */
async function startReset(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'I forgot my password' }).click();
  await page.waitForURL(`${baseUrl}/reset`);
  await page.getByLabel('Username or email').fill(username);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.waitForURL(`${baseUrl}/reset/code`);
}

async function setNewPassword(page: Page, baseUrl: string): Promise<void> {
  await page.waitForURL(`${baseUrl}/reset/password`);
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.waitForURL(`${baseUrl}/reset/done`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been reset');
}

/** Checks the page at 320 CSS px (WCAG 1.4.10), then goes back to the phone size for the screenshots. */
async function fitsNarrowScreen(page: Page): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  await expectNoSidewaysScroll(page);
  await page.setViewportSize(PHONE);
}

describe('e2e: a person resets a password with an authenticator app in Chromium, with JavaScript off', () => {
  const suite = useBrowser();

  it('adds an app on the security info pages, resets with a code from it, and proves the new password on /change', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl, t } = suite;
    const { context, page } = await phonePage(suite.browser);
    try {
      const secret = await addAuthenticatorApp(page, suite, { person: ALICE, name: 'My phone' });
      // The code that confirmed the app cannot be used again: the next one comes 30 s later on the server's clock.
      t.clock.advance(30);

      await startReset(page, baseUrl, ALICE.username);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
      await page.getByRole('heading', { level: 2, name: "Other ways to confirm it's you" }).waitFor();
      await screenshot(page, 'reset-choose-method.png');
      await fitsNarrowScreen(page);
      await page.getByRole('link', { name: 'A code from your authenticator app' }).click();

      await page.waitForURL(`${baseUrl}/reset/code?method=totp`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Use your authenticator app');
      await fitsNarrowScreen(page);
      await page.getByLabel('Code', { exact: true }).fill(appCode(suite, secret));
      await screenshot(page, 'reset-code-app.png');
      await page.getByRole('button', { name: 'Continue' }).click();
      await setNewPassword(page, baseUrl);

      // The backup-code page fits too, with a field that takes letters.
      await startReset(page, baseUrl, ALICE.username);
      await page.getByRole('link', { name: 'One of your backup codes' }).click();
      await page.waitForURL(`${baseUrl}/reset/code?method=backup_code`);
      expect(await page.getByLabel('Backup code').getAttribute('inputmode')).toBeNull();
      await fitsNarrowScreen(page);

      // The new password works on /change.
      await page.goto(`${baseUrl}/change`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByLabel('Current password').fill(NEW_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
      await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${baseUrl}/change/done`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been changed');
    } finally {
      await context.close();
    }
  }, 90_000);
});

describe('e2e: a policy that needs two proofs, in Chromium, with JavaScript off', () => {
  const suite = useBrowser({ overrides: { policy: { default: { requiredMethods: 2 } } } });

  it('takes the emailed code, then offers the registered app on the second-proof page', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl, t } = suite;
    const { context, page } = await phonePage(suite.browser);
    try {
      const secret = await addAuthenticatorApp(page, suite, { person: CAROL, name: 'Work phone' });
      t.clock.advance(30);

      await startReset(page, baseUrl, CAROL.username);
      await page.getByLabel('Code', { exact: true }).fill(await codeFromOutbox(baseUrl, CAROL.email));
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.waitForURL(`${baseUrl}/reset/second`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe("Confirm it's you another way");
      const group = page.getByRole('group', { name: "How do you want to confirm it's you?" });
      const app = group.getByRole('radio', { name: 'Authenticator app “Work phone”' });
      expect(await app.isChecked()).toBe(true);
      expect(await group.getByRole('radio').count()).toBe(1);
      await fitsNarrowScreen(page);
      await page.getByLabel('Code', { exact: true }).fill(appCode(suite, secret));
      await screenshot(page, 'reset-second.png');

      // A wrong code: the summary takes focus and links to the field, which says what is wrong.
      await page.getByLabel('Code', { exact: true }).fill(appCode(suite, secret).replace(/^./, (d) => String((Number(d) + 1) % 10)));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/reset/second`);
      await expect.poll(() => page.evaluate<string>("document.activeElement ? document.activeElement.className : ''")).toBe('error-summary');
      expect(await page.getByRole('alert').textContent()).toContain('You have 4 attempts left.');
      expect(await page.getByLabel('Code', { exact: true }).getAttribute('aria-invalid')).toBe('true');

      await page.getByLabel('Code', { exact: true }).fill(appCode(suite, secret));
      await page.getByRole('button', { name: 'Continue' }).click();
      await setNewPassword(page, baseUrl);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('tells a person with nothing but an email address to contact the helpdesk', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl } = suite;
    const { context, page } = await phonePage(suite.browser);
    try {
      await startReset(page, baseUrl, BOB.username);
      await page.getByLabel('Code', { exact: true }).fill(await codeFromOutbox(baseUrl, BOB.email));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/reset/second`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You cannot finish this reset yourself');
      expect(await page.locator('main').textContent()).toContain('Contact your helpdesk.');
      expect(await page.locator('main form').count()).toBe(0);
      await fitsNarrowScreen(page);
      await screenshot(page, 'reset-second-none.png');
    } finally {
      await context.close();
    }
  }, 60_000);
});
