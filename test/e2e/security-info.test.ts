import { tmpdir } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { totpAt } from '../../src/core/methods/totp.js';
import { packageRoot } from '../../src/package-root.js';
import { servicesRequired } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = process.env.UNLATCH_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const missing = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
/** The docs' screenshots are refreshed with UNLATCH_SCREENSHOTS=1; other runs write to a temp folder, keeping the tree clean. */
const SCREENSHOTS = process.env.UNLATCH_SCREENSHOTS === '1' ? join(packageRoot(), 'docs', 'screenshots') : join(tmpdir(), 'unlatch-screenshots');

const ALICE = { username: 'alice', email: 'alice@example.com', password: 'violet sandwich glacier' };
/** A phone-sized screen (iPhone 12–15) for the docs' screenshots. */
const PHONE = { width: 390, height: 844 };

/** The page fits the viewport: nothing scrolls sideways (WCAG 1.4.10 reflow at 320 CSS px). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

describe('e2e: a person adds an authenticator app in Chromium, with JavaScript off', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    t = await startTestApp({ listen: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs alice in, adds an app with the key read from the page and a computed code, and lists it', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = t!.baseUrl!;
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: PHONE, deviceScaleFactor: 2, locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/`);
      await page.getByRole('link', { name: 'Manage your security info' }).click();
      // Not signed in: the list sends the person to sign in.
      await page.waitForURL(`${baseUrl}/security-info/sign-in`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByLabel('Current password').fill(ALICE.password);
      await page.screenshot({ path: join(SCREENSHOTS, 'security-sign-in.png'), fullPage: true });
      await page.getByRole('button', { name: 'Sign in' }).click();

      await page.waitForURL(`${baseUrl}/security-info`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your security info');
      await page.getByRole('link', { name: 'Add authenticator app' }).click();
      await page.waitForURL(`${baseUrl}/security-info/totp`);
      await page.getByLabel('Name').fill('My phone');
      await page.getByRole('button', { name: 'Continue' }).click();

      // The QR code is an image that loads under the CSP (img-src data:); the key is there to type.
      const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
      await qr.waitFor();
      // The data: URL decoded to a picture (a broken image has no natural width).
      await expect.poll(() => page.evaluate<number>("(() => { const img = document.querySelector('main img'); return img && img.complete ? img.naturalWidth : 0; })()")).toBeGreaterThan(0);
      const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s+/g, '');
      expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
      await page.screenshot({ path: join(SCREENSHOTS, 'security-totp.png'), fullPage: true });
      await page.getByLabel('Code', { exact: true }).fill(totpAt(secret, t!.clock.now().getTime()));
      await page.getByRole('button', { name: 'Add authenticator app' }).click();

      await page.waitForURL(`${baseUrl}/security-info?done=added`);
      expect(await page.getByRole('status').textContent()).toContain('Your authenticator app has been added.');
      expect(await page.getByRole('heading', { level: 3, name: 'My phone' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Remove My phone' }).waitFor();
      await page.screenshot({ path: join(SCREENSHOTS, 'security-info.png'), fullPage: true });

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${baseUrl}/`);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('fits a 320 px wide screen on the security info pages', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = t!.baseUrl!;
    const context = await browser!.newContext({ viewport: { width: 320, height: 640 } });
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
