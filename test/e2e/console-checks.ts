import { STATUS_CODES } from 'node:http';
import { expect } from 'vitest';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from '../helpers/test-app.js';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { expectNoSidewaysScroll, useLocalhostBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

/** The console in Chromium: an app on `http://localhost` (WebAuthn needs a domain as RP ID) and the checks every console page must pass. */

/** A laptop screen for the checks and the docs' screenshots. */
export const DESKTOP = { width: 1280, height: 900 };
/** The narrowest width WCAG 1.4.10 (reflow) asks for. */
export const NARROW = { width: 320, height: 640 };

export interface ConsoleSuite {
  readonly t: TestApp;
  readonly browser: Browser;
  readonly baseUrl: string;
}

/**
 * The real app (dev mode, demo tenant and operator) listening on a free port as `http://localhost:<port>`,
 * and Chromium resolving `localhost` to 127.0.0.1; started before the suite, stopped after it.
 */
export function useConsoleApp(): ConsoleSuite {
  return useLocalhostBrowser();
}

/** One operator's browser: a context of its own (its own cookies), the page, and what `watch` records. */
export interface OperatorBrowser {
  context: BrowserContext;
  page: Page;
  /** CSP violations, script errors, failed requests and 4xx/5xx answers since the last `checkPage`. */
  problems: string[];
}

/** A desktop-sized context with JavaScript on, watched from the first byte; with a virtual passkey authenticator when asked. */
export async function operatorBrowser(browser: Browser, options: { passkeys?: boolean } = {}): Promise<OperatorBrowser> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-GB', reducedMotion: 'reduce' });
  // No stub for /favicon.ico: Unlatch serves its icon on every listener (the console's own too), so the browser's
  // own request for it is watched like any other and a 404 there fails the checks.
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const problems = await watch(context, page);
  if (options.passkeys) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
  }
  return { context, page, problems };
}

/** The charts script (where a page has charts) has drawn every chart: the page is as an operator sees it. */
async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  const figures = await page.locator('figure[data-chart]').count();
  if (figures > 0) await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(figures);
}

/** The outermost elements that reach past the viewport's right edge (outside a `.table-wrap`), to name in a failure. */
async function tooWide(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    // Text that runs out of its box (a long word that cannot break) counts too.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const texts = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('.table-wrap')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const right = range.getBoundingClientRect().right;
      if (right > width + 0.5) texts.push('text "' + node.textContent.trim().slice(0, 40) + '" in ' + node.parentElement.tagName.toLowerCase() + ' (' + Math.round(right) + ' px)');
    }
    const wide = [...document.body.querySelectorAll('*')].filter((el) => !(el.parentElement && el.parentElement.closest('.table-wrap')) && el.getBoundingClientRect().right > width + 0.5);
    return wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '') + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)')
      .concat(texts.slice(0, 5));
  })()`);
}

export interface CheckOptions {
  /**
   * The status(es) the page itself answered with since the last check — a form shown again with its errors
   * (400, 401, 422), a 403 or 404 page: each must have been answered for this page and is then not a problem.
   * Default: none (a 200 page).
   */
  status?: number | readonly number[];
}

/** How Chromium reports the page's own answer `status`: the response, and once as a failed resource. */
function ownAnswer(url: string, status: number): { response: string; consoleError: string } {
  return {
    response: `HTTP ${status} ${url}`,
    // Chromium prints the reason phrase the server sent: Node's own for the status.
    consoleError: `console error: Failed to load resource: the server responded with a status of ${status} (${STATUS_CODES[status] ?? ''})`,
  };
}

/**
 * The checks of one console page as it is now: axe-core with the WCAG 2.2 AA tags finds nothing, no CSP
 * violation, no script error or failed request; then at 320 px wide the page does not scroll sideways (wide
 * tables scroll inside their `.table-wrap`) and axe finds nothing again. Leaves the viewport at desktop size
 * and the problem list empty.
 */
export async function checkPage(who: OperatorBrowser, label: string, options: CheckOptions = {}): Promise<void> {
  const { page, problems } = who;
  await settled(page);
  // The page's own status (a 403 page, a form with errors) is what was asked for: it must be there, and is no problem.
  const own = (options.status === undefined ? [] : typeof options.status === 'number' ? [options.status] : options.status).map((status) => ownAnswer(page.url(), status));
  for (const answer of own) expect(problems, `${label}: the page answered ${answer.response}`).toContain(answer.response);
  const expected = own.flatMap((answer) => [answer.response, answer.consoleError]);
  expect(await page.locator('h1').count(), `${label}: one h1`).toBe(1);
  expect(await axeViolations(page), `${label}: axe at ${DESKTOP.width} px`).toEqual([]);
  expect(await cspViolations(page), `${label}: CSP`).toEqual([]);
  expect(problems.filter((p) => !expected.includes(p)), `${label}: console errors and failed requests`).toEqual([]);
  try {
    await page.setViewportSize(NARROW);
    await settled(page);
    await expectNoSidewaysScroll(page).catch(async (error: unknown) => {
      throw new Error(`${label}: scrolls sideways at ${NARROW.width} px; too wide: ${(await tooWide(page)).join(', ')}`, { cause: error });
    });
    expect(await axeViolations(page), `${label}: axe at ${NARROW.width} px`).toEqual([]);
    expect(await cspViolations(page), `${label}: CSP at ${NARROW.width} px`).toEqual([]);
    expect(problems.filter((p) => !expected.includes(p)), `${label}: errors at ${NARROW.width} px`).toEqual([]);
  } finally {
    await page.setViewportSize(DESKTOP);
    problems.length = 0;
  }
}

/** Opens `url`, expects it to answer `status`, and checks the page. */
export async function visitAndCheck(who: OperatorBrowser, url: string, label: string, status = 200): Promise<void> {
  who.problems.length = 0;
  const response = await who.page.goto(url);
  expect(response?.status(), `${label}: status of ${url}`).toBe(status);
  await checkPage(who, label, status === 200 ? {} : { status });
}

/** Signs the demo operator in through the console's own forms (password, then the authenticator app's code). */
export async function signInDemoOperator(page: Page, baseUrl: string, t: TestApp): Promise<void> {
  await page.goto(`${baseUrl}/admin/sign-in`);
  await page.getByLabel('Username or email').fill(DEMO_OPERATOR.username);
  await page.getByLabel('Password', { exact: true }).fill(DEMO_OPERATOR.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${baseUrl}/admin/sign-in/verify`);
  await page.getByLabel('Code from your authenticator app').fill(totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin\/t\/demo\//);
}
