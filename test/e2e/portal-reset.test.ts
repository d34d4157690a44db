import { describe, expect, it } from 'vitest';
import { ALICE, CAROL, available, codeFromOutbox, linkFromOutbox, expectNoSidewaysScroll, missing, phonePage, screenshot, useBrowser } from './browser.js';

const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const LATER_PASSWORD = 'saffron viaduct plankton orbit 93';

describe('e2e: a person resets a password in Chromium, with JavaScript off', () => {
  const suite = useBrowser();

  it('resets alice through the pages with the code from the dev outbox, then proves it on /change', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = suite.baseUrl;
    // JavaScript off: the portal must work without it (issue 2, item 12).
    const { context, page } = await phonePage(suite.browser);
    try {
      await page.goto(`${baseUrl}/`);
      await expect.poll(() => page.title()).toContain('Password help');
      await page.getByRole('link', { name: 'I forgot my password' }).click();
      await page.waitForURL(`${baseUrl}/reset`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await screenshot(page, 'reset-start.png');
      await page.getByRole('button', { name: 'Send me a code' }).click();

      await page.waitForURL(`${baseUrl}/reset/code`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
      const code = await codeFromOutbox(baseUrl, ALICE.email);
      await page.getByLabel('Code', { exact: true }).fill(code);
      await screenshot(page, 'reset-code.png');
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.waitForURL(`${baseUrl}/reset/password`);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
      await screenshot(page, 'reset-password.png');
      await page.getByRole('button', { name: 'Set new password' }).click();

      await page.waitForURL(`${baseUrl}/reset/done`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been reset');
      await screenshot(page, 'reset-done.png');

      // The old password no longer works: the change page says so, at the field and in the summary.
      await page.goto(`${baseUrl}/change`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByLabel('Current password').fill(ALICE.password);
      await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
      await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${baseUrl}/change`);
      const current = page.getByLabel('Current password');
      expect(await current.getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#currentPassword-error').textContent()).toContain('The username or current password is not right.');
      expect(await page.getByRole('alert').textContent()).toContain('The username or current password is not right.');
      await screenshot(page, 'change-error.png');

      // The new one does.
      await page.getByLabel('Current password').fill(NEW_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
      await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${baseUrl}/change/done`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been changed');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('fits a 320 px wide screen on every page and moves focus to the error summary', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = suite.baseUrl;
    const context = await suite.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    try {
      for (const path of ['/', '/reset', '/change', '/reset/done', '/change/done', '/dev/outbox', '/no-such-page']) {
        await page.goto(`${baseUrl}${path}`);
        await expectNoSidewaysScroll(page);
      }
      await page.goto(`${baseUrl}/change`);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${baseUrl}/change`);
      await expectNoSidewaysScroll(page);
      // `autofocus` on the summary, no script: a screen reader starts at the list of problems.
      await expect.poll(() => page.evaluate<string>("document.activeElement ? document.activeElement.className : ''")).toBe('error-summary');
      await page.getByRole('link', { name: 'Enter your current password.' }).click();
      await expect.poll(() => new URL(page.url()).hash).toBe('#currentPassword');
      // Every button and input is at least 24 px tall (WCAG 2.5.8 target size).
      const targets = await page.locator('main input:not([type=hidden]), main button').all();
      expect(targets.length).toBeGreaterThan(0);
      for (const target of targets) expect((await target.boundingBox())?.height).toBeGreaterThanOrEqual(24);
      // The stylesheet loads under the CSP (style-src 'self'): the button has its colour.
      const color = await page.evaluate<string>("getComputedStyle(document.querySelector('.button')).backgroundColor");
      expect(color).toBe('rgb(29, 78, 216)');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('resets carol with the emailed link opened on another device: only "Continue" spends it', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = suite.baseUrl;
    const desk = await phonePage(suite.browser);
    const phone = await phonePage(suite.browser);
    try {
      await desk.page.goto(`${baseUrl}/reset`);
      await desk.page.getByLabel('Username or email').fill(CAROL.username);
      await desk.page.getByRole('button', { name: 'Send me a code' }).click();
      await desk.page.waitForURL(`${baseUrl}/reset/code`);
      const link = await linkFromOutbox(baseUrl, CAROL.email);

      // The phone opens the link: a page with one button; opening it again (a mail scanner) spends nothing.
      await phone.page.goto(link);
      await phone.page.goto(link);
      expect(await phone.page.getByRole('heading', { level: 1 }).textContent()).toBe('Continue your password reset');
      await screenshot(phone.page, 'reset-link.png');
      await phone.page.getByRole('button', { name: 'Continue' }).click();
      await phone.page.waitForURL(`${baseUrl}/reset/password`);
      await phone.page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await phone.page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
      await phone.page.getByRole('button', { name: 'Set new password' }).click();
      await phone.page.waitForURL(`${baseUrl}/reset/done`);

      // The desk's page of the same reset has ended: the reset went on where the link was confirmed.
      await desk.page.reload();
      expect(await desk.page.getByRole('heading', { level: 1 }).textContent()).toBe('This reset has ended');
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  }, 60_000);
});
