import { describe, expect, it } from 'vitest';
import { available, missing } from './browser.js';
import { checkPage, operatorBrowser, signInDemoOperator, useConsoleApp, visitAndCheck } from './console-checks.js';

/**
 * The pages of "this wasn't me" and the friction rating in Chromium, as a person and an operator meet them: the
 * report's confirm page and the page after it, the done pages with the rating and their thank-you, and the
 * console's Fraud area with a paused account and the label form (with its error). Every page passes axe (WCAG 2.2
 * AA), keeps the strict CSP, shows no script error or failed request, and fits 320 px.
 */
describe.sequential('e2e: fraud report and rating pages pass axe, keep the CSP and fit 320 px', () => {
  const suite = useConsoleApp();

  it('the person: report a change, rate a reset and a change', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    // A real notice to Alice, queued as every notice is, so its link carries a live token.
    const alice = await t.accountOf('alice');
    await t.app.store.transaction((tx) => tx.outbox.enqueue({
      channel: 'email', template: 'password_changed', tenantId: 'demo', to: 'alice@example.com',
      data: { displayName: 'Alice Archer', tenantName: 'Demo', when: t.clock.now().toISOString(), ip: '192.0.2.7' },
      idempotencyKey: 'e2e-notice', flowId: null, subjectId: alice.id,
    }));
    await t.deliverMail();
    const notice = (await t.mailsTo('alice@example.com')).find((m) => /password was changed/i.test(m.subject))!;
    const link = notice.text.match(/(http:\/\/localhost:\d+\/report\?token=[A-Za-z0-9_%-]+)/)![1]!;

    const who = await operatorBrowser(suite.browser);
    const { page } = who;
    try {
      await visitAndCheck(who, link, 'report: confirm page');
      await page.getByRole('button', { name: "Yes, this wasn't me" }).click();
      await page.getByRole('heading', { name: 'What happens next' }).waitFor();
      await checkPage(who, 'report: what happens next');
      expect(await t.app.database.db.selectFrom('self_service_holds').selectAll().execute()).toHaveLength(1);

      for (const flow of ['reset', 'change']) {
        await visitAndCheck(who, `${baseUrl}/${flow}/done`, `${flow} done: the rating`);
        await page.getByLabel('4 – Easy').check();
        await page.getByRole('button', { name: 'Send answer' }).click();
        await page.getByText('Thank you for your answer.').waitFor();
        await checkPage(who, `${flow} done: thank you`);
      }
    } finally {
      await who.context.close();
    }
  });

  it('the operator: the Fraud area and the label form', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    const who = await operatorBrowser(suite.browser);
    const { page } = who;
    try {
      t.clock.advance(31);
      await signInDemoOperator(page, baseUrl, t);

      await page.getByRole('link', { name: 'Fraud reports', exact: true }).click();
      await page.getByRole('button', { name: /End the pause/ }).waitFor();
      await checkPage(who, 'fraud area with a paused account');

      const [reported] = (await t.app.admin!.auditQuery.search({ tenantId: 'demo', event: 'fraud.reported' }, { limit: 1 })).entries;
      await visitAndCheck(who, `${baseUrl}/admin/t/demo/audit/entries/${encodeURIComponent(reported!.id)}`, 'audit entry with the label link');
      await page.getByRole('link', { name: 'Label this change as fraud or legitimate' }).click();
      await checkPage(who, 'label form');
      await page.getByRole('button', { name: 'Save label' }).click();
      await page.getByText('Choose fraud or legitimate.').first().waitFor();
      await checkPage(who, 'label form with an error', { status: 400 });
      await page.getByLabel('Fraud (not the person)').check();
      await page.getByRole('button', { name: 'Save label' }).click();
      await page.waitForURL(`${baseUrl}/admin/t/demo/fraud`);
      await checkPage(who, 'fraud area after a label');
    } finally {
      await who.context.close();
    }
  });
});
