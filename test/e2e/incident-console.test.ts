import { describe, expect, it } from 'vitest';
import { available, missing, screenshot } from './browser.js';
import { checkPage, operatorBrowser, signInDemoOperator, useConsoleApp } from './console-checks.js';

/**
 * The Incidents area in Chromium as an admin uses it: a form with its errors, a dry run from a pasted list, the
 * confirmation, the progress and the report. Every page passes the console checks (axe with the WCAG 2.2 AA tags,
 * CSP, reflow at 320 px).
 */
describe.sequential('e2e: a forced reset after an incident', () => {
  const suite = useConsoleApp();

  it('dry run, confirm, progress and report', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    const who = await operatorBrowser(suite.browser);
    const { page } = who;
    try {
      await signInDemoOperator(page, baseUrl, t);
      await page.getByRole('link', { name: 'Incidents', exact: true }).click();
      await page.getByRole('heading', { name: 'Start a forced reset' }).waitFor();
      await checkPage(who, 'incidents home');

      // A list chosen but left empty: the error is tied to its field and summarised at the top.
      await page.getByLabel('The people in a list').check();
      await page.getByRole('button', { name: 'Show who would be affected' }).click();
      await page.getByText('There is a problem').waitFor();
      expect(await page.getByLabel('List of people (CSV)').getAttribute('aria-invalid')).toBe('true');
      await checkPage(who, 'incident form with an error', { status: 400 });

      await page.getByLabel('List of people (CSV)').fill('identifier\nalice\nbob@example.com\nnobody-at-all');
      await page.getByLabel('Require stronger proof').check();
      await page.getByLabel('Reason').fill('Phishing wave, December');
      await page.getByRole('button', { name: 'Show who would be affected' }).click();
      await page.getByText('Nothing has changed.').waitFor();
      expect(await page.getByRole('row', { name: /alice Would be reset/ }).count()).toBe(1);
      expect(await page.getByRole('row', { name: /nobody-at-all Skipped not_found/ }).count()).toBe(1);
      await checkPage(who, 'dry run');
      expect(await t.app.database.db.selectFrom('outbox').select('idempotency_key').where('template', '=', 'incident_notice').execute()).toEqual([]);

      await page.getByRole('button', { name: 'Confirm: reset 2 people' }).click();
      await page.getByRole('heading', { name: 'Progress' }).waitFor();
      // Without JavaScript the page reloads itself; here the link does it at once.
      for (let i = 0; i < 50 && (await page.getByText('Running', { exact: true }).count()) > 0; i++) {
        await page.waitForTimeout(200);
        await page.getByRole('link', { name: 'Refresh the progress' }).click();
      }
      await page.getByText('3 of 3 processed: 2 done, 0 failed, 1 skipped.').waitFor();
      await checkPage(who, 'incident finished');
      await screenshot(page, 'console-incident.png');
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download the report (CSV)' }).click();
      expect((await download).suggestedFilename()).toMatch(/^unlatch-incident-.+\.csv$/);
    } finally {
      await who.context.close();
    }
  }, 120_000);
});
