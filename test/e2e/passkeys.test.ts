import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ALICE, available, missing, PHONE, screenshot, useLocalhostBrowser } from './browser.js';

const NEW_PASSWORD = 'marble kestrel outpost tundra 47';
const LATER_PASSWORD = 'saffron viaduct plankton orbit 93';

/** A phone-sized page with JavaScript ON and a virtual platform authenticator that verifies the user. */
async function passkeyPage(browser: Browser): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, locale: 'en-GB' });
  const page = await context.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return { page, close: () => context.close() };
}

/** Signs alice in with her password (no method yet) and adds a passkey on the security info pages. */
async function addPasskey(page: Page, baseUrl: string, shoot = false): Promise<void> {
  await page.goto(`${baseUrl}/security-info/sign-in`);
  await page.getByLabel('Username or email').fill(ALICE.username);
  await page.getByLabel('Current password').fill(ALICE.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}/security-info`);
  await page.getByRole('link', { name: 'Add a passkey or security key' }).click();
  await page.waitForURL(`${baseUrl}/security-info/passkey`);
  // The script ran: the button shows and the "needs JavaScript" text is gone.
  const button = page.getByRole('button', { name: 'Add passkey' });
  await button.waitFor();
  expect(await page.getByText('need a browser with JavaScript').isVisible()).toBe(false);
  await page.getByLabel('Name').fill('This phone');
  if (shoot) await screenshot(page, 'security-passkey.png');
  await button.click();
  await page.waitForURL(`${baseUrl}/security-info?done=passkey_added`);
  expect(await page.getByRole('status').textContent()).toContain('Your passkey has been added.');
  expect(await page.getByRole('heading', { level: 3, name: 'This phone' }).count()).toBe(1);
  await page.getByRole('link', { name: 'Remove This phone' }).waitFor();
  if (shoot) await screenshot(page, 'security-info-passkey.png');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${baseUrl}/`);
}

async function startReset(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/reset`);
  await page.getByLabel('Username or email').fill(ALICE.username);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  await page.waitForURL(`${baseUrl}/reset/code`);
}

async function setPasswordAndProve(page: Page, baseUrl: string): Promise<void> {
  await page.waitForURL(`${baseUrl}/reset/password`);
  await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await page.waitForURL(`${baseUrl}/reset/done`);
  // The new password works on /change.
  await page.goto(`${baseUrl}/change`);
  await page.getByLabel('Username or email').fill(ALICE.username);
  await page.getByLabel('Current password').fill(NEW_PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill(LATER_PASSWORD);
  await page.getByLabel('Confirm new password').fill(LATER_PASSWORD);
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.waitForURL(`${baseUrl}/change/done`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your password has been changed');
}

describe('e2e: passkeys in Chromium with JavaScript on and a virtual authenticator', () => {
  const suite = useLocalhostBrowser();

  it('adds a passkey on the security info pages, signs in again with it, then resets alice with it and proves the new password', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl } = suite;
    const { page, close } = await passkeyPage(suite.browser);
    try {
      await addPasskey(page, baseUrl, true);

      // Signing in again needs the passkey too: the verify page offers it (no loop back to sign-in).
      await page.goto(`${baseUrl}/security-info/sign-in`);
      await page.getByLabel('Username or email').fill(ALICE.username);
      await page.getByLabel('Current password').fill(ALICE.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${baseUrl}/security-info/verify`);
      await page.getByRole('button', { name: 'Use your passkey' }).click();
      await page.waitForURL(`${baseUrl}/security-info`);
      // Testing it on its own page: the script runs a ceremony for that passkey and says so on the page.
      await page.getByRole('link', { name: 'Test This phone' }).click();
      await page.getByRole('button', { name: 'Test passkey' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toBe('It works. Your passkey “This phone” answered.');
      expect(page.url()).toContain('/security-info/test?methodId=');
      await page.goto(`${baseUrl}/security-info`);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${baseUrl}/`);

      await startReset(page, baseUrl);
      const use = page.getByRole('button', { name: 'Use a passkey' });
      await use.waitFor();
      await screenshot(page, 'reset-code-passkey.png');
      await use.click();
      await setPasswordAndProve(page, baseUrl);
    } finally {
      await close();
    }
  }, 90_000);
});

describe('e2e: passkeys — a policy of two proofs: passkey and email code', () => {
  const suite = useLocalhostBrowser({ policy: { default: { requiredMethods: 2 } } });

  it('resets alice with her passkey, then the emailed code', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl, t } = suite;
    const { page, close } = await passkeyPage(suite.browser);
    try {
      await addPasskey(page, baseUrl);
      await startReset(page, baseUrl);
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await page.waitForURL(`${baseUrl}/reset/second`);
      await page.locator('#method-email_code').check();
      await page.getByLabel('Code', { exact: true }).fill(await t.codeFor(ALICE.email));
      await screenshot(page, 'reset-second-after-passkey.png');
      await page.getByRole('button', { name: 'Continue' }).click();
      await setPasswordAndProve(page, baseUrl);
    } finally {
      await close();
    }
  }, 90_000);
});
