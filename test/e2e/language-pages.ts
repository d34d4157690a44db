import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { axeViolations, cspViolations } from './page-checks.js';

/** What the Chromium tests of the portal in every language share: the languages, their direction, and one page's checks. */

/** Every installed language (a folder of locales/ with the portal's texts), English first: the tests grow with each translation. */
export const LANGUAGES: readonly string[] = readdirSync(join(packageRoot(), 'locales'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(packageRoot(), 'locales', d.name, 'portal.json')))
  .map((d) => d.name)
  .sort((a, b) => (a === 'en' ? -1 : b === 'en' ? 1 : a.localeCompare(b)));

/** Right-to-left scripts among the languages Unlatch may carry. */
export const RTL = new Set(['ar', 'fa', 'he', 'ur']);

/** The narrowest width WCAG 1.4.10 (reflow) asks for: a page that fits it fits every phone. */
export const NARROW = { width: 320, height: 800 };

/** The outermost elements (and texts: a long word that cannot break) reaching past the right edge, to name in a failure. */
export async function tooWide(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.right > width + 0.5 || box.left < -0.5) out.push('text "' + node.textContent.trim().slice(0, 40) + '" in ' + node.parentElement.tagName.toLowerCase());
    }
    const wide = [...document.body.querySelectorAll('*')].filter((el) => { const r = el.getBoundingClientRect(); return r.right > width + 0.5 || r.left < -0.5; });
    return wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : ''))
      .concat(out.slice(0, 5));
  })()`);
}

export interface LanguagePageCheck {
  /** The language the page must be in. */
  lng: string;
  /** What the walk recorded (`watch`) since the last check; emptied by the check. */
  problems: string[];
  /** Statuses the page answered on purpose (a form shown again with its errors, a 404, 410, 429 or 503 page). */
  statuses?: readonly number[];
}

/**
 * One portal page in one language, as it is now: `<html>` carries the language and its direction, one `h1`, axe
 * (WCAG 2.2 AA) finds nothing, the CSP holds, no script error or failed request beyond the page's own answer,
 * and nothing scrolls sideways (nor sticks out on the left, as a right-to-left page would).
 */
export async function checkLanguagePage(page: Page, label: string, check: LanguagePageCheck): Promise<void> {
  const { lng, problems } = check;
  const name = `${lng}: ${label}`;
  await page.waitForLoadState('load');
  const allowed = (check.statuses ?? []).map(String).join('|');
  const own = allowed ? new RegExp(`^(HTTP (${allowed}) |console error: Failed to load resource: the server responded with a status of (${allowed}) )`) : null;
  expect(problems.filter((p) => !own?.test(p)), `${name}: console errors and failed requests`).toEqual([]);
  problems.length = 0;
  const html = await page.evaluate<{ lang: string; dir: string }>('({ lang: document.documentElement.lang, dir: document.documentElement.dir })');
  expect(html, `${name}: lang and dir of <html>`).toEqual({ lang: lng, dir: RTL.has(lng) ? 'rtl' : 'ltr' });
  expect(await page.locator('h1').count(), `${name}: one h1`).toBe(1);
  expect(await axeViolations(page), `${name}: axe`).toEqual([]);
  expect(await cspViolations(page), `${name}: CSP`).toEqual([]);
  const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  if (overflow > 0) throw new Error(`${name}: scrolls sideways by ${overflow} px; too wide: ${(await tooWide(page)).join(', ')}`);
}

/** Waits for the walk to reach `path` (with its query); on a wrong turn, says where it ended up (heading and alert). */
export async function arrive(page: Page, url: string | RegExp, lng: string): Promise<void> {
  try {
    await page.waitForURL(url, { timeout: 10_000 });
  } catch {
    const where = await page.evaluate<string>("location.pathname + location.search + ' | ' + (document.querySelector('h1')?.textContent ?? '') + ' | ' + (document.querySelector('[role=alert]')?.textContent ?? '').trim()");
    throw new Error(`${lng}: expected ${String(url)}, still at ${where}`);
  }
}

/** Submits the main form (the first submit button of the first form in `main`): language-neutral, unlike a button's name. */
export async function submitMain(page: Page, formSelector = 'main form'): Promise<void> {
  await page.locator(`${formSelector} button[type="submit"]`).first().click();
}
