import { describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { available, missing, screenshot } from './browser.js';
import { checkPage, operatorBrowser, useConsoleApp } from './console-checks.js';

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
      await page.goto(`${baseUrl}/admin/sign-in`);
      await page.getByLabel('Username or email').fill(DEMO_OPERATOR.username);
      await page.getByLabel('Password', { exact: true }).fill(DEMO_OPERATOR.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/admin/sign-in/verify`);
      await page.getByLabel('Code from your authenticator app').fill(totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/admin\/t\/demo\//);

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
