import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { SqlAccessPassRepository } from '../../src/adapters/store/access-pass-repository.js';
import { newId } from '../../src/core/crypto/secrets.js';
import { hashAccessPass, newAccessPass } from '../../src/core/methods/access_pass/access-pass-code.js';
import type { TestApp } from '../helpers/test-app.js';
import { available, CAROL, missing, PHONE, screenshot, useLocalhostBrowser } from './browser.js';

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

/** A pass as the helpdesk issues it (the repository's insert, in a store transaction): one use, one hour. */
async function issuePass(t: TestApp, username: string): Promise<string> {
  const account = await t.accountOf(username);
  const pass = newAccessPass();
  const now = t.clock.now();
  const record = { id: newId(), tenantId: account.tenantId, subjectId: account.id, createdBy: 'agent-1', createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000), usesLeft: 1, usedAt: null, revokedAt: null };
  await t.app.store.transaction((tx) => new SqlAccessPassRepository(t.app.database.db).insert(tx, record, hashAccessPass(pass)));
  return pass;
}

async function signInWithPass(page: Page, baseUrl: string, pass: string): Promise<void> {
  await page.goto(`${baseUrl}/security-info/sign-in`);
  await page.getByRole('link', { name: 'Sign in with a temporary access pass' }).click();
  await page.waitForURL(`${baseUrl}/security-info/sign-in/pass`);
  await page.getByLabel('Username or email').fill(CAROL.username);
  await page.getByLabel('Temporary access pass').fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('e2e: a temporary access pass from the helpdesk signs a person in to register a passkey', () => {
  const suite = useLocalhostBrowser();

  it('signs carol in with the pass (no password), adds a passkey, and refuses the spent pass afterwards', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { baseUrl, t } = suite;
    const pass = await issuePass(t, CAROL.username);
    const { page, close } = await passkeyPage(suite.browser);
    try {
      await signInWithPass(page, baseUrl, pass.toLowerCase());
      await page.waitForURL(`${baseUrl}/security-info`);
      await page.getByRole('link', { name: 'Add a passkey or security key' }).click();
      await page.waitForURL(`${baseUrl}/security-info/passkey`);
      const button = page.getByRole('button', { name: 'Add passkey' });
      await button.waitFor();
      await page.getByLabel('Name').fill('Replacement phone');
      await button.click();
      await page.waitForURL(`${baseUrl}/security-info?done=passkey_added`);
      expect(await page.getByRole('heading', { level: 3, name: 'Replacement phone' }).count()).toBe(1);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${baseUrl}/`);

      // The pass worked once: now it is refused, with the message tied to its field.
      await signInWithPass(page, baseUrl, pass);
      await page.waitForURL(`${baseUrl}/security-info/sign-in/pass`);
      const field = page.getByLabel('Temporary access pass');
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByText('has already been used or has run out').count()).toBeGreaterThan(0);
      await screenshot(page, 'security-sign-in-pass.png');

      // The new passkey resets the password on its own.
      await page.goto(`${baseUrl}/reset`);
      await page.getByLabel('Username or email').fill(CAROL.username);
      await page.getByRole('button', { name: 'Send me a code' }).click();
      await page.waitForURL(`${baseUrl}/reset/code`);
      await page.getByRole('button', { name: 'Use a passkey' }).click();
      await page.waitForURL(`${baseUrl}/reset/password`);
    } finally {
      await close();
    }
  }, 90_000);
});
