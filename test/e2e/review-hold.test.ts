import { describe, expect, it } from 'vitest';
import { ALICE, available, missing, screenshot } from './browser.js';
import { checkPage, operatorBrowser, signInDemoOperator, useConsoleApp } from './console-checks.js';
import { setFlowRisk } from '../integration/review-support.js';

const NEW_PASSWORD = 'tidal orchard compass 42';

/**
 * Hold for review in Chromium: Alice proves who she is, her reset is held (risk action `hold`) and her page says so
 * with the helpdesk; the demo operator finds it in the console's Reviews, is refused without a note, approves it with
 * one; Alice's "Check again" takes her to the new password, and she sets it. Every page passes the checks (axe with
 * the WCAG 2.2 AA tags, CSP, no script errors, reflow at 320 px).
 */
describe.sequential('e2e: hold for review', () => {
  const suite = useConsoleApp();

  it('the person waits, an operator approves, the person sets the password', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    const person = await operatorBrowser(suite.browser);
    const operator = await operatorBrowser(suite.browser);
    try {
      const { page } = person;
      await page.goto(`${baseUrl}/reset`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.getByLabel('Code', { exact: true }).waitFor();
      await setFlowRisk(t, ALICE.username, 'hold');
      await page.getByLabel('Code', { exact: true }).fill(await t.codeFor(ALICE.email));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/reset/review`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your reset is waiting for a check by your IT team');
      await checkPage(person, 'the person waits for the check');
      await screenshot(page, 'portal-reset-review.png');
      // Still waiting: checking again stays here.
      await page.getByRole('button', { name: 'Check again' }).click();
      await page.waitForURL(`${baseUrl}/reset/review?`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your reset is waiting for a check by your IT team');

      const console_ = operator.page;
      await signInDemoOperator(console_, baseUrl, t);
      await console_.getByRole('link', { name: 'Reviews', exact: true }).click();
      await console_.getByText('1 reset is waiting for review.').waitFor();
      await checkPage(operator, 'the review queue');
      await screenshot(console_, 'console-reviews.png');
      await console_.getByRole('link', { name: 'Alice Archer (alice)' }).click();
      await checkPage(operator, 'one held reset');
      await console_.getByLabel(/Approve/).check();
      await console_.getByRole('button', { name: 'Record the decision' }).click();
      await console_.getByText('There is a problem').waitFor();
      expect(await console_.getByLabel('Note').getAttribute('aria-invalid')).toBe('true');
      await checkPage(operator, 'a decision without a note', { status: 400 });
      await console_.getByLabel('Note').fill('Called Alice back on her desk phone; she asked for it.');
      await console_.getByLabel(/Approve/).check();
      await console_.getByRole('button', { name: 'Record the decision' }).click();
      await console_.getByText('The reset was approved.').waitFor();
      await console_.getByText('No reset is waiting for review.').waitFor();
      await checkPage(operator, 'the queue after the approval');

      await page.getByRole('button', { name: 'Check again' }).click();
      await page.waitForURL(`${baseUrl}/reset/password`);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.waitForURL(/\/reset\/done/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been reset');
      const approved = (await t.app.admin!.auditQuery.search({ tenantId: 'demo', event: 'reset.review_approved' }, { limit: 5 })).entries;
      expect(approved[0]).toMatchObject({ outcome: 'success', actor: 'operator:demo/opal' });
    } finally {
      await person.context.close();
      await operator.context.close();
    }
  }, 120_000);
});
