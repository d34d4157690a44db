import { describe, expect, it } from 'vitest';
import { ALICE, available, missing, phonePage, useBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

const WAIT = 30;

describe('e2e: proof-of-work at the start, in Chromium', () => {
  // Every start needs a proof; a small difficulty keeps the solve short.
  const suite = useBrowser({ overrides: { risk: { proofOfWork: { mode: 'always', maxNumber: 5_000, waitSeconds: WAIT } } } });

  it('with JavaScript: the ALTCHA widget solves in the background under the CSP, the page is axe-clean, and Continue starts the reset', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const problems = await watch(context, page);
    const workerLoads: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/assets/altcha/sha-worker.js')) workerLoads.push(response.status());
    });
    try {
      await page.goto(`${suite.baseUrl}/reset`);
      // Solved: the widget's hidden field holds the payload; the no-JavaScript wait notice is hidden.
      await expect.poll(() => page.locator('input[name="proofOfWork"]').inputValue().catch(() => ''), { timeout: 30_000 }).not.toBe('');
      expect(await page.locator('[data-pow-wait]').isHidden()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/code`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
      expect(await cspViolations(page)).toEqual([]);
      // The widget starts one worker per core and terminates the others once one has solved: a worker whose script
      // was still loading then shows as an aborted request. That is the widget's doing; at least one loaded and ran.
      expect(workerLoads).toContain(200);
      expect(problems.filter((p) => p !== `request failed: ${suite.baseUrl}/assets/altcha/sha-worker.js`)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('without JavaScript: the page shows the wait; pressing early says how long is left, after the wait the start goes through', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page } = await phonePage(suite.browser);
    try {
      await page.goto(`${suite.baseUrl}/reset`);
      await expect.poll(() => page.locator('#pow-wait-text').textContent()).toContain(`please wait ${WAIT} seconds before you continue`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset`);
      expect(await page.getByRole('status').textContent()).toMatch(/Please wait \d+ more seconds, then press the button again\./);
      // Never a dead end: the form is still filled in.
      expect(await page.getByLabel('Username or email').inputValue()).toBe(ALICE.username);

      suite.t.clock.advance(WAIT);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/code`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the wait page and its "too early" answer are axe-clean (the widget\'s scripts blocked, as without JavaScript)', async (ctx) => {
    if (!available) ctx.skip(missing);
    // axe runs as a script, so JavaScript stays on; the widget and its helper are refused instead.
    const context = await suite.browser.newContext({ locale: 'en-GB' });
    await context.route(/\/assets\/(altcha\/altcha|proof-of-work)\.js/, (route) => route.abort());
    const page = await context.newPage();
    try {
      await page.goto(`${suite.baseUrl}/reset`);
      expect(await page.locator('[data-pow-wait]').isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset`);
      await expect.poll(() => page.getByRole('status').textContent()).toMatch(/more seconds/);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
