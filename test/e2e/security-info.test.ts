import { describe, expect, it } from 'vitest';
import { addAuthenticatorApp, ALICE, available, expectNoSidewaysScroll, missing, phonePage, screenshot, useBrowser } from './browser.js';

describe('e2e: a person adds an authenticator app in Chromium, with JavaScript off', () => {
  const suite = useBrowser();

  it('signs alice in, adds an app with the key read from the page and a computed code, and lists it', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page } = await phonePage(suite.browser);
    try {
      await addAuthenticatorApp(page, suite, { person: ALICE, name: 'My phone', shoot: (name) => screenshot(page, name) });
    } finally {
      await context.close();
    }
  }, 60_000);

  it('fits a 320 px wide screen on the security info pages', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = suite.baseUrl;
    const context = await suite.browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/security-info/sign-in`);
      await expectNoSidewaysScroll(page);
      await page.getByLabel('Username or email').fill('bob');
      await page.getByLabel('Current password').fill('copper lantern meadow');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/security-info`);
      await expectNoSidewaysScroll(page);
      await page.goto(`${baseUrl}/security-info/totp`);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
      await expectNoSidewaysScroll(page);
      await page.goto(`${baseUrl}/security-info`);
      await page.getByRole('button', { name: 'Create new backup codes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Your new backup codes' }).waitFor();
      expect(await page.locator('ol.backup-codes li').count()).toBe(10);
      await expectNoSidewaysScroll(page);
    } finally {
      await context.close();
    }
  }, 60_000);
});
