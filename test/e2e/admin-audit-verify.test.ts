import { describe, expect, it } from 'vitest';
import { available, missing, screenshot } from './browser.js';
import { checkPage, operatorBrowser, signInDemoOperator, useConsoleApp } from './console-checks.js';

/**
 * The audit log's verification in Chromium: the demo operator (an admin) finds the status on the audit page,
 * presses "Verify now", and reads the result on the verification page. Each page passes the console checks
 * (axe with the WCAG 2.2 AA tags, CSP, reflow at 320 px). With UNLATCH_SCREENSHOTS=1 the result page is saved
 * for docs/console.md.
 */
describe.sequential('e2e: verifying the audit log from the console', () => {
  const suite = useConsoleApp();

  it('starts a verification with the button and shows the result', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    const who = await operatorBrowser(suite.browser);
    const { page } = who;
    try {
      await signInDemoOperator(page, baseUrl, t);

      await page.goto(`${baseUrl}/admin/t/demo/audit`);
      expect(await page.getByText('The audit log has not been verified yet.').count()).toBe(1);
      await checkPage(who, 'audit page with the verification panel');

      await page.getByRole('button', { name: 'Verify now' }).click();
      await page.waitForURL(`${baseUrl}/admin/t/demo/audit/verification`);
      // The run is in this process: once it ends, the page (reloaded) shows the result and stops reloading.
      await t.app.admin!.auditVerifications!.idle();
      await page.goto(`${baseUrl}/admin/t/demo/audit/verification`);
      await page.getByText('Intact').waitFor();
      expect(await page.locator('meta[http-equiv="refresh"]').count()).toBe(0);
      await checkPage(who, 'verification result');
      await screenshot(page, 'console-audit-verification.png');
    } finally {
      await who.context.close();
    }
  }, 90_000);
});
