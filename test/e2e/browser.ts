import { tmpdir } from 'node:os';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { packageRoot } from '../../src/package-root.js';
import { freePort, servicesRequired } from '../helpers/services.js';
import type { RawConfig } from '../../src/config/schema.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../helpers/test-app.js';

/** What the Chromium e2e suites share: the browser, the app it talks to, screenshots and page checks. */

export const CHROMIUM = process.env.UNLATCH_CHROMIUM ?? '/usr/bin/chromium';
export const available = existsSync(CHROMIUM);
export const missing = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
/** The docs' screenshots are refreshed with UNLATCH_SCREENSHOTS=1; other runs write to a temp folder, keeping the tree clean. */
export const SCREENSHOTS = process.env.UNLATCH_SCREENSHOTS === '1' ? join(packageRoot(), 'docs', 'screenshots') : join(tmpdir(), 'unlatch-screenshots');

export const ALICE = { username: 'alice', email: 'alice@example.com', password: 'violet sandwich glacier' } as const;
export const CAROL = { username: 'carol', email: 'carol@example.com', password: 'quiet harbor pinwheel' } as const;
/** A phone-sized screen (iPhone 12–15) for the docs' screenshots. */
export const PHONE = { width: 390, height: 844 };

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface BrowserSuite {
  /** The listening app (its TestClock is the server's clock: `t.clock.advance(30)` moves codes on). */
  readonly t: TestApp;
  readonly browser: Browser;
  readonly baseUrl: string;
}

/**
 * Starts a listening app and Chromium before the suite and stops both after it; call inside `describe`.
 * Without Chromium the suite's tests skip (each calls `ctx.skip(missing)` when `!available`), unless
 * UNLATCH_REQUIRE_SERVICES=1 makes that a failure.
 */
export function useBrowser(options: Omit<TestAppOptions, 'listen'> = {}): BrowserSuite {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    t = await startTestApp({ ...options, listen: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  return {
    get t() {
      if (!t) throw new Error('the app is not running (Chromium missing?)');
      return t;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not running');
      return browser;
    },
    get baseUrl() {
      if (!t?.baseUrl) throw new Error('the app is not listening');
      return t.baseUrl;
    },
  };
}

/**
 * The app at `http://localhost:<port>` and Chromium resolving `localhost` to 127.0.0.1. WebAuthn needs a secure
 * context and an RP ID that is a domain (Chromium refuses an IP address; `http://localhost` counts as secure),
 * and an OIDC provider on `127.0.0.1` is then a different site. The app is started with `publicUrl` on that
 * port, then listens on it itself; mail is delivered by draining the outbox (`t.codeFor`).
 */
export function useLocalhostBrowser(overrides: RawConfig = {}): BrowserSuite {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    t = await startTestApp({ overrides: { ...overrides, publicUrl: baseUrl } });
    await t.server.listen({ host: '127.0.0.1', port });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...LAUNCH_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'] });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  return {
    get t() {
      if (!t) throw new Error('the app is not running');
      return t;
    },
    get browser() {
      if (!browser) throw new Error('Chromium is not running');
      return browser;
    },
    get baseUrl() {
      return baseUrl;
    },
  };
}

/** A phone-sized page with JavaScript off (the portal must work without it), for the flows and the docs' screenshots. */
export async function phonePage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE, deviceScaleFactor: 2, locale: 'en-GB' });
  return { context, page: await context.newPage() };
}

/** Saves a full-page screenshot under `name` in the screenshots folder. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

/** The page fits the viewport: nothing scrolls sideways (WCAG 1.4.10 reflow at 320 CSS px). */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  // Expressions as strings: the test compiles without the DOM lib, the browser evaluates them.
  const widths = await page.evaluate<{ scroll: number; client: number }>(
    '({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })',
  );
  expect(widths.scroll).toBeLessThanOrEqual(widths.client);
}

interface OutboxEntry {
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

/** Polls the dev outbox, as a developer would, until a reset code for `address` arrives. */
export async function codeFromOutbox(baseUrl: string, address: string, timeoutMs = 10_000): Promise<string> {
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

/** Polls the dev outbox until a reset mail with a link arrives for `address`; returns the link. */
export async function linkFromOutbox(baseUrl: string, address: string, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const mails = (await (await fetch(`${baseUrl}/dev/outbox.json`)).json()) as OutboxEntry[];
    const link = mails.find((m) => m.to === address && /code/i.test(m.subject))?.text.match(/(https?:\/\/\S+\/reset\/link\?token=[A-Za-z0-9_%-]+)/)?.[1];
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no reset link for ${address} in the dev outbox within ${timeoutMs} ms`);
}

export interface AddAppOptions {
  person: { username: string; password: string };
  /** The name the app gets on the security info page. */
  name: string;
  /** Called at the points the docs show, with a file name for the screenshot. */
  shoot?: (name: string) => Promise<void>;
}

/**
 * Signs in on the security info pages, adds an authenticator app with the key read from the page and a
 * code computed from it on the server's clock, checks it is listed, and signs out. Returns the key.
 * A code the app confirmed cannot be used again: move `t.clock` on 30 s before the next one.
 */
export async function addAuthenticatorApp(page: Page, suite: BrowserSuite, options: AddAppOptions): Promise<string> {
  const { baseUrl, t } = suite;
  const shoot = options.shoot ?? (async () => undefined);
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'Manage your security info' }).click();
  // Not signed in: the list sends the person to sign in.
  await page.waitForURL(`${baseUrl}/security-info/sign-in`);
  await page.getByLabel('Username or email').fill(options.person.username);
  await page.getByLabel('Current password').fill(options.person.password);
  await shoot('security-sign-in.png');
  await page.getByRole('button', { name: 'Sign in' }).click();

  await page.waitForURL(`${baseUrl}/security-info`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your security info');
  await page.getByRole('link', { name: 'Add authenticator app' }).click();
  await page.waitForURL(`${baseUrl}/security-info/totp`);
  await page.getByLabel('Name').fill(options.name);
  await page.getByRole('button', { name: 'Continue' }).click();

  // The QR code is an image that loads under the CSP (img-src data:); the key is there to type.
  const qr = page.getByRole('img', { name: 'QR code for your authenticator app' });
  await qr.waitFor();
  // The data: URL decoded to a picture (a broken image has no natural width).
  await expect.poll(() => page.evaluate<number>("(() => { const img = document.querySelector('main img'); return img && img.complete ? img.naturalWidth : 0; })()")).toBeGreaterThan(0);
  const secret = ((await page.locator('code.secret').textContent()) ?? '').replace(/\s+/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
  await shoot('security-totp.png');
  await page.getByLabel('Code', { exact: true }).fill(totpAt(secret, t.clock.now().getTime()));
  await page.getByRole('button', { name: 'Add authenticator app' }).click();

  await page.waitForURL(`${baseUrl}/security-info?done=added`);
  expect(await page.getByRole('status').textContent()).toContain('Your authenticator app has been added.');
  expect(await page.getByRole('heading', { level: 3, name: options.name }).count()).toBe(1);
  await page.getByRole('link', { name: `Remove ${options.name}` }).waitFor();
  await shoot('security-info.png');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${baseUrl}/`);
  return secret;
}
