import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ALICE, available, missing, PHONE, useLocalhostBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const LATER_PASSWORD = 'saffron viaduct plankton orbit 93';

/** Rough edges a person found on a phone (issue 12, item 3), as Chromium shows them, with and without JavaScript. */
describe('e2e: rough edges found on a phone', () => {
  const suite = useLocalhostBrowser();

  async function startReset(page: Page, baseUrl: string): Promise<void> {
    await page.goto(`${baseUrl}/reset`);
    await page.getByLabel('Username or email').fill(ALICE.username);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.waitForURL(`${baseUrl}/reset/code`);
  }

  it('without JavaScript: no passkey button and no show-password button that could not work', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    try {
      const page = await context.newPage();
      await startReset(page, suite.baseUrl);
      // The stylesheet's `.button { display: inline-block }` used to override `hidden`: a button that did nothing.
      expect(await page.locator('form[data-passkey] button[type="submit"]').count()).toBe(1);
      expect(await page.locator('form[data-passkey] button[type="submit"]').isVisible()).toBe(false);
      expect(await page.getByText('need a browser with JavaScript').first().isVisible()).toBe(true);
      await page.goto(`${suite.baseUrl}/change`);
      expect(await page.locator('button[data-password-toggle]').count()).toBe(3);
      expect(await page.getByRole('button', { name: 'Show password' }).count()).toBe(0);
      expect(await page.getByText('Your new password must:').isVisible()).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('with JavaScript: times in the browser\'s own zone, and a show-password button that works', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ viewport: PHONE, timezoneId: 'America/New_York', locale: 'en-GB' });
    try {
      const page = await context.newPage();
      const problems = await watch(context, page);
      await startReset(page, suite.baseUrl);
      const time = page.locator('time[data-local-time]');
      const iso = (await time.getAttribute('datetime'))!;
      const expected = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'America/New_York', timeZoneName: 'short' }).format(new Date(iso));
      await expect.poll(() => time.textContent()).toBe(expected);
      expect(expected).toMatch(/E[SD]T$/);

      await page.goto(`${suite.baseUrl}/change`);
      const field = page.getByLabel('New password', { exact: true });
      await field.fill(NEW_PASSWORD);
      const toggle = page.locator('button[data-password-toggle="newPassword"]');
      await toggle.click();
      expect(await field.getAttribute('type')).toBe('text');
      expect(await toggle.textContent()).toBe('Hide password');
      await toggle.click();
      expect(await field.getAttribute('type')).toBe('password');
      expect(await axeViolations(page)).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('the mail\'s "open …/reset/code" link followed from another site: a page that continues the reset in this browser', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      await startReset(page, suite.baseUrl);
      // A webmail on another site: 127.0.0.1 is not the site `localhost` (the app's public URL), so the
      // SameSite=Strict flow cookie is not sent on this navigation — before, this landed on an empty start page.
      const otherSite = suite.baseUrl.replace('localhost', '127.0.0.1');
      await page.goto(`${otherSite}/`);
      await page.evaluate(`(() => { const a = document.createElement('a'); a.id = 'mail-link'; a.href = '${suite.baseUrl}/reset/code'; a.textContent = 'open the code page'; document.body.prepend(a); })()`);
      await page.locator('#mail-link').click();
      await page.waitForURL(`${suite.baseUrl}/reset/code`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Continue your reset');
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole('link', { name: 'Continue to enter my code' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/code?resume=1`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code');
      expect(await page.getByLabel('Code', { exact: true }).isVisible()).toBe(true);
    } finally {
      await context.close();
    }
    // Another browser (no flow cookie at all): told where to finish, or to start again.
    const elsewhere = await suite.browser.newContext({ viewport: PHONE });
    try {
      const page = await elsewhere.newPage();
      await page.goto(`${suite.baseUrl}/reset/code`);
      await page.getByRole('link', { name: 'Continue to enter my code' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Enter your code where you started');
      expect(await page.getByRole('link', { name: 'Start again' }).isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('Back after the done page goes to a page, not to "Confirm Form Resubmission", even after a refused password', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ viewport: PHONE });
    try {
      const page = await context.newPage();
      await startReset(page, suite.baseUrl);
      await page.getByLabel('Code', { exact: true }).fill(await suite.t.codeFor(ALICE.email));
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/password`);
      // A typo in the confirmation first: refused, shown again.
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm new password').fill(`${NEW_PASSWORD}x`);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/password`);
      expect(await page.getByText('The two passwords do not match.').first().isVisible()).toBe(true);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.waitForURL(`${suite.baseUrl}/reset/done`);

      const back = await page.goBack();
      // A POST answered in place is a history entry Chromium cannot show again without resending (ERR_CACHE_MISS).
      expect(back?.request().method()).toBe('GET');
      expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
      expect(await page.content()).not.toContain('ERR_CACHE_MISS');

      // The same on /change: a refusal first (the old password no longer works), then the change, then Back.
      await page.goto(`${suite.baseUrl}/change`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByLabel('Current password').fill(ALICE.password);
      await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
      await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${suite.baseUrl}/change`);
      expect(await page.locator('#currentPassword-error').textContent()).toContain('The username or current password is not right.');
      expect(await page.getByLabel('Username or email').inputValue()).toBe(ALICE.username);
      expect(await page.getByLabel('Current password').inputValue()).toBe('');
      await page.getByLabel('Current password').fill(NEW_PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
      await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(`${suite.baseUrl}/change/done`);
      const backFromChange = await page.goBack();
      expect(backFromChange?.request().method()).toBe('GET');
      expect(await page.content()).not.toContain('ERR_CACHE_MISS');
    } finally {
      await context.close();
    }
  });
});
