import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { PortalVisitor } from '../http/portal-forms.js';
import { ALICE, available, CAROL, missing, screenshot, SCREENSHOTS } from './browser.js';
import { checkPage, operatorBrowser, useConsoleApp, visitAndCheck, type OperatorBrowser } from './console-checks.js';
import { areaLinks, consoleLinks, crawl, pageKey } from './console-crawl.js';

/**
 * The operator console in Chromium, as operators use it: the demo operator signs in with the password and an
 * authenticator code; a second operator registers a passkey on the security-info pages and signs in with it.
 * Then every console page an admin can reach — found by following the navigation, so areas added later are
 * walked too — passes axe-core with the WCAG 2.2 AA tags, has no CSP violation or script error, and reflows at
 * 320 px. With UNLATCH_SCREENSHOTS=1 the main pages are saved for docs/console.md.
 */

const TENANT = 'demo';
const SECOND = { username: 'otto', displayName: 'Otto Operator', email: 'otto@example.com', password: 'pebble lantern orchard quay' } as const;

describe.sequential('e2e: the operator console in Chromium', () => {
  const suite = useConsoleApp();
  /** The demo operator's browser, signed in by the first test and walked by the last. */
  let opal: OperatorBrowser | undefined;
  const tenantPrefix = `/admin/t/${TENANT}/`;

  /** A completed reset (alice) and a started one with a wrong code (carol): figures, flows and entries to look at. */
  async function someActivity(): Promise<void> {
    const { t } = suite;
    const done = new PortalVisitor(t);
    await done.get('/reset');
    await done.follow(await done.post('/reset', { identifier: ALICE.username }));
    await done.follow(await done.post('/reset/code', { code: await t.codeFor(ALICE.email) }));
    const password = 'harbour quartz lemonade 31';
    expect((await done.post('/reset/password', { password, confirm: password })).statusCode).toBe(303);
    const started = new PortalVisitor(t);
    await started.get('/reset');
    await started.follow(await started.post('/reset', { identifier: CAROL.username }));
    const code = await t.codeFor(CAROL.email);
    expect((await started.post('/reset/code', { code: code === '000000' ? '111111' : '000000' })).statusCode).toBe(422);
  }

  it('signs the demo operator in with the password and an authenticator code, through the pages', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    await someActivity();
    opal = await operatorBrowser(suite.browser);
    const { page } = opal;

    await visitAndCheck(opal, `${baseUrl}/admin`, 'sign-in');
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.getByLabel('Username or email').fill(DEMO_OPERATOR.username);
    await screenshot(page, 'console-sign-in.png');
    // A wrong password first: the page with its error summary is checked too.
    await page.getByLabel('Password', { exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').waitFor();
    await checkPage(opal, 'sign-in with an error', { status: 401 });

    await page.getByLabel('Username or email').fill(DEMO_OPERATOR.username);
    await page.getByLabel('Password', { exact: true }).fill(DEMO_OPERATOR.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${baseUrl}/admin/sign-in/verify`);
    await checkPage(opal, 'verify (authenticator app)');
    // No passkey registered: the page offers the authenticator app only.
    expect(await page.getByRole('button', { name: 'Use a passkey' }).count()).toBe(0);

    const now = t.clock.now().getTime();
    const right = totpAt(DEMO_OPERATOR.totpSeed, now);
    await page.getByLabel('Code from your authenticator app').fill(right === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await checkPage(opal, 'verify with a wrong code', { status: 422 });

    await page.getByLabel('Code from your authenticator app').fill(right);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/admin/t/${TENANT}/`));
    expect(await page.getByText(`Signed in as ${DEMO_OPERATOR.displayName}`).count()).toBe(1);
    const cookies = await opal.context.cookies(baseUrl);
    expect(cookies.find((c) => c.name === 'unlatch_admin')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  }, 60_000);

  it('registers a passkey for a second operator on the security-info pages, who then signs in with password and passkey', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { t, baseUrl } = suite;
    await t.app.users.insert(
      { tenantId: TENANT, username: SECOND.username, email: SECOND.email, displayName: SECOND.displayName, groups: ['unlatch-admins'], passwordHash: await t.app.hasher.hash(SECOND.password) },
      t.clock.now(),
    );
    const otto = await operatorBrowser(suite.browser, { passkeys: true });
    const { page } = otto;
    try {
      // No strong method yet: the console refuses and says how to register one.
      await page.goto(`${baseUrl}/admin/sign-in`);
      await page.getByLabel('Username or email').fill(SECOND.username);
      await page.getByLabel('Password', { exact: true }).fill(SECOND.password);
      otto.problems.length = 0;
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('heading', { level: 1, name: 'Register a strong method first' }).waitFor();
      await checkPage(otto, 'sign-in: no strong method', { status: 403 });
      await page.getByRole('link', { name: 'Go to the security info page' }).click();

      await page.waitForURL(`${baseUrl}/security-info/sign-in`);
      await page.getByLabel('Username or email').fill(SECOND.username);
      await page.getByLabel('Current password').fill(SECOND.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/security-info`);
      await page.getByRole('link', { name: 'Add a passkey or security key' }).click();
      await page.waitForURL(`${baseUrl}/security-info/passkey`);
      const add = page.getByRole('button', { name: 'Add passkey' });
      await add.waitFor();
      await page.getByLabel('Name').fill('Laptop');
      await add.click();
      await page.waitForURL(`${baseUrl}/security-info?done=passkey_added`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${baseUrl}/`);

      await page.goto(`${baseUrl}/admin/sign-in`);
      await page.getByLabel('Username or email').fill(SECOND.username);
      await page.getByLabel('Password', { exact: true }).fill(SECOND.password);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${baseUrl}/admin/sign-in/verify`);
      const usePasskey = page.getByRole('button', { name: 'Use a passkey' });
      await usePasskey.waitFor();
      await checkPage(otto, 'verify (passkey)');
      await usePasskey.click();
      await page.waitForURL(new RegExp(`/admin/t/${TENANT}/`));
      expect(await page.getByText(`Signed in as ${SECOND.displayName}`).count()).toBe(1);
      const events = await t.app.database.db.selectFrom('audit_log').select(['event', 'actor']).where('event', '=', 'admin.signin_completed').execute();
      expect(events.map((e) => e.actor)).toEqual(expect.arrayContaining([`operator:${TENANT}/${DEMO_OPERATOR.username}`, `operator:${TENANT}/${SECOND.username}`]));
    } finally {
      await otto.context.close();
    }
  }, 90_000);

  it('every console page an admin reaches passes axe (WCAG 2.2 AA), has no CSP violation or error, and reflows at 320 px', async (ctx) => {
    if (!available) ctx.skip(missing);
    if (!opal) throw new Error('the demo operator did not sign in (see the first test)');
    const who = opal;
    const { page } = who;
    const { baseUrl } = suite;
    const visited = new Map<string, string>();

    await page.goto(`${baseUrl}/admin`);
    const areas = await areaLinks(who);
    expect(areas.map((a) => new URL(a).pathname)).toEqual(expect.arrayContaining(['overview', 'people', 'audit', 'policy', 'system'].map((id) => `${tenantPrefix}${id}`)));
    await crawl(who, areas, { visited, tenantPrefix });
    for (const area of areas) expect(visited.has(pageKey(area)), `area ${area} walked`).toBe(true);
    for (const period of ['24h', '7d', '30d', '90d']) expect(visited.has(`${tenantPrefix}overview?period=${period}`), `overview for ${period}`).toBe(true);

    // Overview: the charts drawn from their tables.
    await page.goto(`${baseUrl}${tenantPrefix}overview`);
    await checkPage(who, 'overview');
    await screenshot(page, 'console-overview.png');

    // People: a search, then a person's page from its results (and the pages it links to).
    await page.goto(`${baseUrl}${tenantPrefix}people`);
    await page.getByLabel('Find a person').fill('a');
    await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
    await page.getByRole('table').waitFor();
    await checkPage(who, 'people search with results');
    await screenshot(page, 'console-people.png');
    await page.getByRole('table').getByRole('link', { name: 'Alice Archer' }).first().click();
    await page.waitForURL(new RegExp(`${tenantPrefix}people/[^/?]+$`));
    await checkPage(who, 'a person');
    await screenshot(page, 'console-person.png');
    await crawl(who, await consoleLinks(who, tenantPrefix), { visited, tenantPrefix });
    expect(visited.has(`${tenantPrefix}people/:id`), 'a person page').toBe(true);

    // Audit: the newest entries, then one entry from the results.
    await page.goto(`${baseUrl}${tenantPrefix}audit`);
    await checkPage(who, 'audit search');
    await screenshot(page, 'console-audit.png');
    await page.getByRole('table').getByRole('link').first().click();
    await page.waitForURL(new RegExp(`${tenantPrefix}audit/entries/`));
    await checkPage(who, 'an audit entry');
    await screenshot(page, 'console-audit-entry.png');
    expect(visited.has(`${tenantPrefix}audit/entries/:id`), 'the walk opened an entry too').toBe(true);

    // Policy: what a reset would do for alice.
    await page.goto(`${baseUrl}${tenantPrefix}policy`);
    await page.getByLabel('Person (username or email)').fill(ALICE.username);
    await page.getByRole('button', { name: 'Simulate' }).click();
    await page.waitForURL(/\?user=alice/);
    await page.locator('#result-title').waitFor();
    await checkPage(who, 'policy with a simulation');
    await screenshot(page, 'console-policy.png');

    // System, after running the directory check with a test account.
    await page.goto(`${baseUrl}${tenantPrefix}system`);
    await page.locator('#check-user').fill(ALICE.username);
    await page.getByRole('button', { name: 'Check directories now' }).click();
    await page.getByRole('status').waitFor();
    await checkPage(who, 'system after the directory check');
    // The top of the page (the check's results); the configuration below runs for screens.
    await page.screenshot({ path: join(SCREENSHOTS, 'console-system.png') });

    // The error pages: a tenant the operator has no role on, and a page that does not exist.
    await visitAndCheck(who, `${baseUrl}/admin/t/elsewhere/overview`, '403', 403);
    await visitAndCheck(who, `${baseUrl}/admin/no-such-page`, '404', 404);
  }, 300_000);
});
