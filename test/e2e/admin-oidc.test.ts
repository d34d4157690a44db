import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesRequired } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { startTestOidcProvider, type TestOidcProvider } from '../helpers/test-oidc-provider.js';
import { available, CHROMIUM, missing, screenshot } from './browser.js';
import { axeViolations } from './page-checks.js';

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The OIDC button on the console's sign-in page, clicked through a real provider in Chromium. The provider is
 * on `localhost`, the console on `127.0.0.1`: another site, so the way back is a cross-site navigation, as
 * with a real provider (a SameSite=Strict state cookie, or a session cookie that needs a same-site hop,
 * would show here).
 */
describe('console sign-in through OpenID Connect in Chromium', () => {
  let op: TestOidcProvider | undefined;
  let t: TestApp | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    op = await startTestOidcProvider({ hostname: 'localhost' });
    t = await startTestApp({
      listen: true,
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', operators: [{ group: 'unlatch-admins', role: 'admin' }] }],
        admin: { oidc: { issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, label: 'Sign in with Example SSO' } },
      },
    });
    op.configure(`${t.baseUrl}/admin/sign-in/oidc/callback`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await op?.close();
  });

  it('clicks the button, signs in at the provider and lands in the console', async (ctx) => {
    if (!browser || !t?.baseUrl || !op) return ctx.skip(missing);
    const baseUrl = t.baseUrl;
    const context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await page.goto(`${baseUrl}/admin/sign-in`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'console-sign-in-oidc.png');
    await page.getByRole('button', { name: 'Sign in with Example SSO' }).click();
    await page.waitForURL(`${op.issuer}/**`);
    await page.fill('input[name=login]', 'ada');
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
    await page.click('button[type=submit]');
    await page.waitForURL(new RegExp(`^${baseUrl.replace(/\./g, '\\.')}/admin/t/demo/`));
    expect(await page.textContent('body')).toContain('Ada Operator');
    const cookies = await context.cookies(baseUrl);
    expect(cookies.map((c) => c.name)).toContain('unlatch_admin');
    expect(cookies.map((c) => c.name)).not.toContain('unlatch_admin_oidc');
    await context.close();
  });
});
