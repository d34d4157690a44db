import { tmpdir } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageRoot } from '../../src/package-root.js';
import { servicesRequired } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const CHROMIUM = process.env.UNLATCH_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const missing = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
/** The docs' screenshots are refreshed with UNLATCH_SCREENSHOTS=1; other runs write to a temp folder, keeping the tree clean. */
const SCREENSHOTS = process.env.UNLATCH_SCREENSHOTS === '1' ? join(packageRoot(), 'docs', 'screenshots') : join(tmpdir(), 'unlatch-screenshots');

const ALICE = { username: 'alice', email: 'alice@example.com', password: 'violet sandwich glacier' };
const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const LATER_PASSWORD = 'saffron viaduct plankton orbit 93';
/** A phone-sized screen (iPhone 12–15) for the docs' screenshots. */
const PHONE = { width: 390, height: 844 };

interface OutboxEntry {
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

/** Polls the dev outbox, as a developer would, until a reset code for `address` arrives. */
async function codeFromOutbox(baseUrl: string, address: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/dev/outbox.json`);
    expect(res.status).toBe(200);
    const mails = (await res.json()) as OutboxEntry[];
    const code = mails.find((m) => m.to === address && /code/i.test(m.subject))?.text.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no reset code for ${address} in the dev outbox within ${timeoutMs} ms`);
}

/** The page fits the viewport: nothing scrolls sideways (WCAG 1.4.10 reflow at 320 CSS px). */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  // Expressions as strings: the test compiles without the DOM lib, the browser evaluates them.
  const widths = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

describe('e2e: a person resets a password in Chromium, with JavaScript off', () => {
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

  it('resets alice through the pages with the code from the dev outbox, then proves it on /change', async (ctx) => {
    if (!available) ctx.skip(missing);
    const baseUrl = t!.baseUrl!;
    // JavaScript off: the portal must work without it (issue 2, item 12).
    const context = await browser!.newContext({ javaScriptEnabled: false, viewport: PHONE, deviceScaleFactor: 2, locale: 'en-GB' });
    const page = await context.newPage();
    try {
      await page.goto(`${baseUrl}/`);
      await expect.poll(() => page.title()).toContain('Password help');
      await page.getByRole('link', { name: 'I forgot my password' }).click();
      await page.waitForURL(`${baseUrl}/reset`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.screenshot({ path: join(SCREENSHOTS, 'reset-start.png'), fullPage: true });
      await page.getByRole('button', { name: 'Send me a code' }).click();

      await page.waitForURL(`${baseUrl}/reset/code`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
      const code = await codeFromOutbox(baseUrl, ALICE.email);
      await page.getByLabel('Code', { exact: true }).fill(code);
      await page.screenshot({ path: join(SCREENSHOTS, 'reset-code.png'), fullPage: true });
      await page.getByRole('button', { name: 'Continue' }).click();

      await page.waitForURL(`${baseUrl}/reset/password`);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
      await page.screenshot({ path: join(SCREENSHOTS, 'reset-password.png'), fullPage: true });
      await page.getByRole('button', { name: 'Set new password' }).click();

      await page.waitForURL(`${baseUrl}/reset/done`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been reset');
      await page.screenshot({ path: join(SCREENSHOTS, 'reset-done.png'), fullPage: true });

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
      await page.screenshot({ path: join(SCREENSHOTS, 'change-error.png'), fullPage: true });

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
    const baseUrl = t!.baseUrl!;
    const context = await browser!.newContext({ viewport: { width: 320, height: 640 } });
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
});
