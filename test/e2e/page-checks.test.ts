import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesRequired } from '../helpers/services.js';
import { available, CHROMIUM, missing } from './browser.js';
import { axeViolations } from './page-checks.js';

// The checker every page test relies on must be able to fail: a page with known WCAG faults is reported, node by node.
describe('e2e: the axe check itself', () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('reports an image without a text, two unlabelled fields and a missing language, and nothing on the mended page', async (ctx) => {
    if (!available || !browser) ctx.skip(missing);
    const page = await browser!.newPage();
    try {
      await page.setContent('<!doctype html><html><head><title>t</title></head><body><main><h1>Broken</h1><img src="data:," id="logo"><input id="a"><input id="b"></main></body></html>');
      const found = await axeViolations(page);
      expect(found).toContain('image-alt: #logo');
      expect(found).toContain('html-has-lang: html');
      expect(found.find((line) => line.startsWith('label:'))).toBe('label: #a, #b');
      await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Mended</h1><img src="data:," alt="Logo"><label for="a">A</label><input id="a"><label for="b">B</label><input id="b"></main></body></html>');
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
