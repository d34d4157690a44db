import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { ALICE, available, missing, screenshot, useLocalhostBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

/** Every installed language (a folder of locales/ with the portal's texts): the test grows with each translation. */
const LANGUAGES = readdirSync(join(packageRoot(), 'locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(packageRoot(), 'locales', d.name, 'portal.json')))
  .map((d) => d.name)
  .sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));

/** Right-to-left scripts among the languages Unlatch may carry. */
const RTL = new Set(['ar', 'fa', 'he', 'ur']);

/**
 * The main portal pages in every installed language, at 320 px: axe (WCAG 2.2 AA) finds nothing, the CSP holds,
 * nothing scrolls sideways, `<html>` carries the language and its direction, and the code field reads left to
 * right. The pages are driven by field ids, not texts, so the walk is the same in every language.
 */
describe('e2e: every language passes axe and fits 320 px, right to left included', () => {
  const suite = useLocalhostBrowser();

  /** Waits for the next page; on a wrong turn, says where the walk ended up (the page's heading and alert). */
  async function arrive(page: Page, path: string, lng: string): Promise<void> {
    try {
      await page.waitForURL(`${suite.baseUrl}${path}`, { timeout: 10_000 });
    } catch {
      const where = await page.evaluate<string>("location.pathname + ' | ' + (document.querySelector('h1')?.textContent ?? '') + ' | ' + (document.querySelector('[role=alert]')?.textContent ?? '')");
      throw new Error(`${lng}: expected ${path}, still at ${where}`);
    }
  }

  /** The code of the newest mail to Alice that carries one (subjects are in the page's language, so not matched). */
  async function newestCode(): Promise<string> {
    await suite.t.deliverMail();
    for (const mail of await suite.t.mailsTo(ALICE.email)) {
      const code = /(?:^|\s)(\d{6,10})(?:\s|$)/m.exec(mail.text)?.[1];
      if (code) return code;
    }
    throw new Error('no code mail to Alice');
  }

  async function check(page: Page, problems: string[], lng: string, state: string): Promise<void> {
    const label = `${lng}: ${state}`;
    expect(problems.filter((p) => !/^(HTTP 4\d\d |console error: Failed to load resource: the server responded with a status of 4\d\d)/.test(p)), label).toEqual([]);
    const html = await page.evaluate<{ lang: string; dir: string }>("({ lang: document.documentElement.lang, dir: document.documentElement.dir })");
    expect(html, label).toEqual({ lang: lng, dir: RTL.has(lng) ? 'rtl' : 'ltr' });
    expect(await axeViolations(page), label).toEqual([]);
    expect(await cspViolations(page), label).toEqual([]);
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow, `${label}: no sideways scrolling`).toBeLessThanOrEqual(0);
  }

  for (const [index, lng] of LANGUAGES.entries()) {
    it(`${lng}: start, code, password, done, security-info sign-in and an error page`, async (ctx) => {
      if (!available) ctx.skip(missing);
      const context = await suite.browser.newContext({ viewport: { width: 320, height: 800 }, locale: lng });
      // The switcher's cookie, as a person who picked the language would have it.
      await context.addCookies([{ name: 'unlatch_lang', value: lng, url: suite.baseUrl }]);
      try {
        const page = await context.newPage();
        const problems = await watch(context, page);
        await page.goto(`${suite.baseUrl}/reset`);
        await check(page, problems, lng, 'start');
        await screenshot(page, `language-${lng}-start.png`);

        await page.locator('#identifier').fill(ALICE.username);
        await page.locator('main form button[type="submit"]').first().click();
        await arrive(page, '/reset/code', lng);
        await check(page, problems, lng, 'code');
        expect(await page.locator('#code').getAttribute('dir'), `${lng}: the code reads left to right`).toBe('ltr');

        await page.locator('#code').fill(await newestCode());
        await page.locator('main form button[type="submit"]').first().click();
        await arrive(page, '/reset/password', lng);
        await check(page, problems, lng, 'password');

        // A new password per language: the same one twice would meet the password history.
        const password = `marble kestrel outpost tundra ${index}${lng}`;
        await page.locator('#password').fill(password);
        await page.locator('#confirm').fill(password);
        await page.locator('main form button[type="submit"]').first().click();
        await arrive(page, '/reset/done', lng);
        await check(page, problems, lng, 'done');

        await page.goto(`${suite.baseUrl}/security-info/sign-in`);
        await check(page, problems, lng, 'security-info sign-in');

        problems.length = 0;
        await page.goto(`${suite.baseUrl}/no-such-page`);
        await check(page, problems, lng, 'error page');
        await page.close();
      } finally {
        await context.close();
      }
    });
  }
});
