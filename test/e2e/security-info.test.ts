import { describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { addAuthenticatorApp, ALICE, available, CAROL, expectNoSidewaysScroll, missing, phonePage, screenshot, useBrowser } from './browser.js';

describe('e2e: a person adds, renames and tests an authenticator app in Chromium, with JavaScript off', () => {
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

  it('renames the app and tests it on the real pages: a wrong code is explained, the right one “works”', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl, t } = suite;
    const { context, page } = await phonePage(suite.browser);
    try {
      const secret = await addAuthenticatorApp(page, suite, { person: CAROL, name: 'Old phone' });
      const code = () => totpAt(secret, t.clock.now().getTime());
      t.clock.advance(30);
      await page.goto(`${baseUrl}/security-info/sign-in`);
      await page.getByLabel('Username or email').fill(CAROL.username);
      await page.getByLabel('Current password').fill(CAROL.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/security-info/verify`);
      await page.getByLabel('Authenticator app').check();
      await page.getByLabel('Code', { exact: true }).fill(code());
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/security-info`);

      await page.getByRole('link', { name: 'Rename Old phone' }).click();
      const name = page.getByLabel('New name for “Old phone”');
      expect(await name.inputValue()).toBe('Old phone');
      await name.fill('  ');
      await page.getByRole('button', { name: 'Save name' }).click();
      expect(await page.getByRole('alert').textContent()).toContain('Enter a name.');
      expect(await page.getByLabel('New name for “Old phone”').getAttribute('aria-invalid')).toBe('true');
      await page.getByLabel('New name for “Old phone”').fill('Work phone');
      await page.getByRole('button', { name: 'Save name' }).click();
      await page.waitForURL(`${baseUrl}/security-info?done=renamed`);
      expect(await page.getByRole('status').textContent()).toContain('The method has been renamed.');
      expect(await page.getByRole('heading', { level: 3, name: 'Work phone' }).count()).toBe(1);

      await page.getByRole('link', { name: 'Test Work phone' }).click();
      await page.getByRole('heading', { level: 1, name: 'Test a method' }).waitFor();
      t.clock.advance(30);
      const right = code();
      await page.getByLabel('Code', { exact: true }).fill(right === '000000' ? '111111' : '000000');
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      expect(await page.getByRole('alert').textContent()).toContain('That code is not right.');
      await page.getByLabel('Code', { exact: true }).fill(right);
      await page.getByRole('button', { name: 'Test', exact: true }).click();
      expect(await page.getByRole('status').textContent()).toContain('It works. The code from “Work phone” was right.');
      await screenshot(page, 'security-test.png');
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
