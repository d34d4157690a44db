import { describe, expect, it } from 'vitest';
import { available, missing, useLocalhostBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

/**
 * The portal pages this issue added, as a person meets them in Chromium: axe (WCAG 2.2 AA), the strict CSP and
 * reflow at 320 px, on the access-pass sign-in (empty, then with its field errors) and the refused /enroll page.
 */
describe('e2e: new portal pages pass axe, keep the CSP and fit 320 px', () => {
  const suite = useLocalhostBrowser();
  const states: Array<{ name: string; open: (page: import('playwright-core').Page, baseUrl: string) => Promise<unknown> }> = [
    { name: 'access-pass sign-in', open: (page, baseUrl) => page.goto(`${baseUrl}/security-info/sign-in/pass`) },
    {
      name: 'access-pass sign-in with errors',
      open: async (page, baseUrl) => {
        await page.goto(`${baseUrl}/security-info/sign-in/pass`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.waitForLoadState();
      },
    },
    { name: 'enrol with a return address not allowed', open: (page, baseUrl) => page.goto(`${baseUrl}/enroll?returnTo=${encodeURIComponent('https://elsewhere.example/')}`) },
  ];

  for (const width of [390, 320]) {
    it(`at ${width} px`, async (ctx) => {
      if (!available) ctx.skip(missing);
      const context = await suite.browser.newContext({ viewport: { width, height: 800 } });
      try {
        for (const state of states) {
          const page = await context.newPage();
          const problems = await watch(context, page);
          await state.open(page, suite.baseUrl);
          // The refused page and the form with errors answer 400/422 on purpose; anything else is a problem.
          expect(problems.filter((p) => !/^(HTTP 4(00|22) |console error: Failed to load resource: the server responded with a status of 4(00|22))/.test(p)), state.name).toEqual([]);
          expect(await axeViolations(page), state.name).toEqual([]);
          expect(await cspViolations(page), state.name).toEqual([]);
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
          expect(overflow, `${state.name}: no sideways scrolling`).toBeLessThanOrEqual(0);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }
});
