import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartAssetUrls } from '../../src/http/admin/charts/chart-assets.js';
import { servicesRequired } from '../helpers/services.js';
import { startChartApp } from './admin-charts-app.js';
import { available, CHROMIUM, expectNoSidewaysScroll, missing, screenshot, SCREENSHOTS } from './browser.js';
import { axeViolations, cspViolations, watch } from './page-checks.js';

/**
 * The console's charts in Chromium, on a tiny app with the project's real security headers: the
 * partial renders figures with data tables, Chart.js and admin-charts.js (served by Unlatch) draw
 * them under the strict CSP, the tables stay in the accessibility tree, and without JavaScript the
 * tables are the page. axe-core checks WCAG 2.2 AA.
 */

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** The first series colour of admin-charts.js (#1d4ed8): its pixels on a canvas mean data was drawn, not just axes. */
const FIRST_COLOUR = [0x1d, 0x4e, 0xd8];

interface CanvasState {
  id: string;
  chartType: string | null;
  datasets: number;
  ariaHidden: string | null;
  animation: unknown;
  painted: number;
  firstColour: number;
}

async function canvases(page: Page): Promise<CanvasState[]> {
  return page.evaluate<CanvasState[]>(`[...document.querySelectorAll('figure[data-chart]')].map((figure) => {
    const canvas = figure.querySelector('canvas');
    if (!canvas) return { id: figure.id, chartType: null, datasets: 0, ariaHidden: null, animation: null, painted: 0, firstColour: 0 };
    const chart = Chart.getChart(canvas);
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0, firstColour = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 0) painted++;
      if (data[i + 3] > 200 && Math.abs(data[i] - ${FIRST_COLOUR[0]}) < 12 && Math.abs(data[i + 1] - ${FIRST_COLOUR[1]}) < 12 && Math.abs(data[i + 2] - ${FIRST_COLOUR[2]}) < 12) firstColour++;
    }
    return {
      id: figure.id,
      chartType: chart ? chart.config.type : null,
      datasets: chart ? chart.data.datasets.length : 0,
      ariaHidden: canvas.getAttribute('aria-hidden'),
      animation: chart ? chart.options.animation : null,
      painted: painted / (canvas.width * canvas.height),
      firstColour,
    };
  })`);
}

describe('e2e: console charts drawn from their data tables under the strict CSP', () => {
  let server: { app: FastifyInstance; baseUrl: string; urls: ChartAssetUrls } | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!available) {
      if (servicesRequired) throw new Error(`${missing}; required because UNLATCH_REQUIRE_SERVICES=1`);
      return;
    }
    server = await startChartApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.app.close();
  });

  const open = async (options: Parameters<Browser['newContext']>[0]) => {
    if (!browser || !server) throw new Error('Chromium or the app is not running');
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale: 'en-GB', ...options });
    const page = await context.newPage();
    return { context, page, problems: await watch(context, page), baseUrl: server.baseUrl };
  };

  it('the violation listener catches a CSP violation (so the checks below can fail)', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, baseUrl } = await open({});
    try {
      await page.goto(`${baseUrl}/csp-probe`);
      await expect.poll(() => cspViolations(page)).toEqual([expect.stringMatching(/^style-src/)]);
    } finally {
      await context.close();
    }
  });

  it('draws a chart above every table, with no CSP violation, no error and no animation when motion is reduced', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, problems, baseUrl } = await open({ reducedMotion: 'reduce' });
    try {
      const response = await page.goto(`${baseUrl}/overview`);
      const csp = response?.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain('unsafe');
      await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(3);

      const drawn = await canvases(page);
      expect(drawn.map((c) => [c.id, c.chartType, c.datasets, c.ariaHidden, c.animation])).toEqual([
        ['chart-resets', 'line', 3, 'true', false],
        ['chart-by-method', 'bar', 2, 'true', false],
        ['chart-success-rate', 'bar', 1, 'true', false],
      ]);
      for (const c of drawn) {
        expect(c.painted, `${c.id} has ink`).toBeGreaterThan(0.02);
        expect(c.firstColour, `${c.id} shows its first series`).toBeGreaterThan(50);
      }
      expect(await cspViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('animates briefly when motion is not reduced', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, problems, baseUrl } = await open({ reducedMotion: 'no-preference' });
    try {
      await page.goto(`${baseUrl}/overview`);
      await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(3);
      const drawn = await canvases(page);
      expect(drawn.map((c) => c.animation)).toEqual([{ duration: 300 }, { duration: 300 }, { duration: 300 }].map((a) => expect.objectContaining(a)));
      expect(await cspViolations(page)).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('keeps every table in the accessibility tree, the canvas out of it, and shows the table on request', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, problems, baseUrl } = await open({ reducedMotion: 'reduce' });
    try {
      await page.goto(`${baseUrl}/overview`);
      await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(3);
      for (const name of ['Resets per day', 'Resets by method', 'Success rate by method']) {
        expect(await page.getByRole('table', { name }).count(), name).toBe(1);
      }
      const tree = await page.locator('#chart-by-method').ariaSnapshot();
      expect(tree).toContain('table "Resets by method"');
      expect(tree).toMatch(/rowheader "Email code"/);
      expect(tree).toMatch(/cell "812"/);
      expect(tree).toMatch(/button "Show data table"/);
      expect(tree).not.toMatch(/\bimg\b|canvas/);
      expect(await page.getByRole('cell', { name: '94.7%' }).count()).toBe(1);

      // Off screen until asked for, then shown and focusable for scrolling; the button says its state.
      const region = page.locator('#by-method-data');
      expect((await region.boundingBox())?.width).toBeLessThanOrEqual(1);
      expect(await region.getAttribute('tabindex')).toBeNull();
      const button = page.locator('#chart-by-method').getByRole('button', { name: 'Show data table' });
      expect(await button.getAttribute('aria-pressed')).toBe('false');
      expect(await button.getAttribute('aria-controls')).toBe('by-method-data');
      await button.click();
      expect(await button.getAttribute('aria-pressed')).toBe('true');
      expect((await region.boundingBox())?.width).toBeGreaterThan(200);
      expect(await region.getAttribute('tabindex')).toBe('0');
      await screenshot(page, 'admin-chart-example.png');
      expect(await axeViolations(page)).toEqual([]);
      await button.click();
      expect(await button.getAttribute('aria-pressed')).toBe('false');
      expect((await region.boundingBox())?.width).toBeLessThanOrEqual(1);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('fits a 320 px wide screen with the charts drawn and with a table shown (WCAG 1.4.10)', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, problems, baseUrl } = await open({ reducedMotion: 'reduce', viewport: { width: 320, height: 640 } });
    try {
      await page.goto(`${baseUrl}/overview`);
      await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(3);
      for (const c of await canvases(page)) expect(c.painted, c.id).toBeGreaterThan(0.02);
      await expectNoSidewaysScroll(page);
      await page.locator('#chart-resets').getByRole('button', { name: 'Show data table' }).click();
      await expectNoSidewaysScroll(page);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('passes axe-core (WCAG 2.2 AA) with the charts drawn', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, baseUrl } = await open({ reducedMotion: 'reduce' });
    try {
      await page.goto(`${baseUrl}/overview`);
      await expect.poll(() => page.locator('figure.chart-enhanced').count()).toBe(3);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('shows the tables alone with JavaScript off', async (ctx) => {
    if (!available) ctx.skip(missing);
    const { context, page, problems, baseUrl } = await open({ javaScriptEnabled: false });
    try {
      await page.goto(`${baseUrl}/overview`);
      expect(await page.locator('canvas').count()).toBe(0);
      expect(await page.getByRole('button').count()).toBe(0);
      for (const name of ['Resets per day', 'Resets by method', 'Success rate by method']) {
        const table = page.getByRole('table', { name });
        const box = await table.boundingBox();
        expect(box?.width, name).toBeGreaterThan(200);
        expect(box?.height, name).toBeGreaterThan(60);
      }
      expect(await page.getByRole('row').count()).toBe(1 + 30 + 1 + 4 + 1 + 4);
      await screenshot(page, 'admin-chart-example-no-js.png');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('passes axe-core (WCAG 2.2 AA) as the page is without its scripts', async (ctx) => {
    if (!available) ctx.skip(missing);
    // axe needs JavaScript: the page's own scripts are answered empty instead, which leaves the DOM a
    // browser without JavaScript shows (the test above checks that DOM has no canvas and no button).
    const { context, page, baseUrl } = await open({});
    try {
      await page.route(/\/admin\/assets\/.*\.js(\?|$)/, (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
      await page.goto(`${baseUrl}/overview`);
      expect(await page.locator('canvas').count()).toBe(0);
      expect(await page.locator('.chart-data-collapsed').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
