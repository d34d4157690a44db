import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { available, missing, screenshot, useBrowser } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';
import { brandFolder, PNG_BYTES, SAFE_SVG } from '../helpers/brand-files.js';

const files = brandFolder({ 'demo-logo.svg': SAFE_SVG, 'acme-logo.png': PNG_BYTES });

/**
 * Branded pages as a person meets them in Chromium (docs/branding.md): the tenant's name, logo and colour arrive
 * through its own stylesheet without breaking the strict CSP, axe (WCAG 2.2 AA) finds nothing, and the page fits 320 px.
 * The browser's own favicon request is answered (a 404 would show here as a failed request).
 */
describe('e2e: branded pages pass axe, keep the CSP and fit 320 px', () => {
  const suite = useBrowser({
    overrides: {
      tenants: [
        {
          id: 'demo', name: 'Demo Company',
          branding: {
            logo: files.path('demo-logo.svg'), primaryColor: '#0b5d1e', privacyUrl: 'https://demo.example/privacy',
            support: { phone: '+49 30 1234 5678', email: 'help@demo.example', url: 'https://help.demo.example/', hours: 'Mon–Fri 8:00–18:00' },
          },
        },
        { id: 'acme', name: 'Acme Corporation International', branding: { logo: files.path('acme-logo.png'), primaryColor: '#5b21b6', support: { url: 'https://help.acme.example/' } } },
      ],
      defaultTenant: 'demo',
    },
  });

  const states: Array<{ name: string; url: string; status: number; brand: { name: string; rgb: string } }> = [
    { name: 'home', url: '/', status: 200, brand: { name: 'Demo Company', rgb: 'rgb(11, 93, 30)' } },
    { name: 'reset start of the second tenant', url: '/reset?tenant=acme', status: 200, brand: { name: 'Acme Corporation International', rgb: 'rgb(91, 33, 182)' } },
    { name: 'done page with the helpdesk', url: '/reset/done?tenant=demo', status: 200, brand: { name: 'Demo Company', rgb: 'rgb(11, 93, 30)' } },
    { name: 'ended reset with the helpdesk', url: '/reset/link?token=nosuchtoken', status: 410, brand: { name: 'Demo Company', rgb: 'rgb(11, 93, 30)' } },
  ];

  for (const width of [390, 320]) {
    it(`at ${width} px`, async (ctx) => {
      if (!available) ctx.skip(missing);
      const context = await suite.browser.newContext({ viewport: { width, height: 800 } });
      try {
        for (const state of states) {
          const page = await context.newPage();
          const problems = await watch(context, page);
          const response = await page.goto(`${suite.baseUrl}${state.url}`);
          expect(response?.status(), state.name).toBe(state.status);
          await page.waitForLoadState('load');
          const expected = state.status === 200 ? [] : [`HTTP ${state.status} ${suite.baseUrl}${state.url}`, `console error: Failed to load resource: the server responded with a status of ${state.status} (Gone)`];
          expect(problems.filter((p) => !expected.includes(p)), state.name).toEqual([]);
          expect(await axeViolations(page), state.name).toEqual([]);
          expect(await cspViolations(page), state.name).toEqual([]);
          await expectBrand(page, state.brand);
          const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
          expect(overflow, `${state.name}: no sideways scrolling`).toBeLessThanOrEqual(0);
          if (width === 320) await screenshot(page, `branding-${state.name.replace(/\W+/g, '-')}.png`);
          await page.close();
        }
      } finally {
        await context.close();
      }
    });
  }

  it('in Arabic, right to left, at 320 px', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext({ viewport: { width: 320, height: 800 }, locale: 'ar' });
    try {
      const page = await context.newPage();
      const problems = await watch(context, page);
      await page.goto(`${suite.baseUrl}/reset/done`);
      expect(await page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
      expect(problems).toEqual([]);
      expect(await axeViolations(page)).toEqual([]);
      expect(await cspViolations(page)).toEqual([]);
      await expectBrand(page, { name: 'Demo Company', rgb: 'rgb(11, 93, 30)' });
      // The helpdesk's bar stands at the start of the line: the right side.
      expect(await page.evaluate<string>("getComputedStyle(document.querySelector('.brand-support')).borderRightWidth")).toBe('5px');
      expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
      await screenshot(page, 'branding-done-page-ar.png');
    } finally {
      await context.close();
    }
  });

  it('answers the browser’s favicon request', async (ctx) => {
    if (!available) ctx.skip(missing);
    const context = await suite.browser.newContext();
    try {
      const page = await context.newPage();
      const icon = await page.goto(`${suite.baseUrl}/favicon.ico`);
      expect(icon?.status()).toBe(200);
      expect(icon?.headers()['content-type']).toBe('image/x-icon');
    } finally {
      await context.close();
    }
  });
});

/** The header names the organisation, its logo has loaded, and its colour paints the header and the links. */
async function expectBrand(page: Page, brand: { name: string; rgb: string }): Promise<void> {
  expect(await page.title()).toMatch(new RegExp(` – ${brand.name}$`));
  expect((await page.locator('.site-name').innerText()).trim()).toBe(brand.name);
  const style = (selector: string, property: string) => page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).${property}`);
  expect(await page.evaluate<number>("document.querySelector('.site-logo').naturalWidth")).toBeGreaterThan(0);
  expect(await style('.site-header', 'backgroundColor')).toBe(brand.rgb);
  // Links in the header (the language switch) sit on the colour: white on it, never the colour on itself.
  const headerLinks = await page.evaluate<string[]>("[...document.querySelectorAll('.site-header a')].map((a) => getComputedStyle(a).color)");
  for (const colour of headerLinks) expect(colour).toBe('rgb(255, 255, 255)');
  if ((await page.locator('main a:not(.button)').count()) > 0) expect(await style('main a:not(.button)', 'color')).toBe(brand.rgb);
}
