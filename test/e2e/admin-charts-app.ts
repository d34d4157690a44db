import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import view from '@fastify/view';
import { Eta } from 'eta';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerChartAssets, type ChartAssetUrls } from '../../src/http/admin/charts/chart-assets.js';
import { buildChart, formatTimeLabel, type ChartData } from '../../src/http/admin/charts/chart-data.js';
import { securityHeaders } from '../../src/http/security-headers.js';
import { defaultFavicon } from '../../src/http/portal/default-favicon.js';
import { registerFavicon } from '../../src/http/portal/routes/brand-assets.js';
import { packageRoot } from '../../src/package-root.js';

/**
 * A tiny app for the chart e2e test: the project's real security headers, @fastify/view with Eta as the
 * console has it, the chart assets, and an overview page with three charts rendered by the partial.
 */

/** Thirty days of made-up but fixed figures (no randomness: a failure reproduces). */
export function sampleCharts(): ChartData[] {
  const days = Array.from({ length: 30 }, (_, i) => new Date(Date.UTC(2025, 2, 1 + i)));
  const started = days.map((_, i) => 40 + ((i * 37) % 23) + (i % 7 === 5 || i % 7 === 6 ? -25 : 0));
  const completed = started.map((n, i) => Math.round(n * (0.78 + ((i * 13) % 9) / 100)));
  const failed = started.map((n, i) => n - (completed[i] ?? 0));
  return [
    buildChart({
      id: 'resets',
      kind: 'line',
      caption: 'Resets per day',
      xLabel: 'Day',
      labels: days.map((d) => formatTimeLabel(d, 'day', 'en-GB')),
      series: [
        { name: 'Started', values: started },
        { name: 'Completed', values: completed },
        { name: 'Failed', values: failed },
      ],
      locale: 'en-GB',
    }),
    buildChart({
      id: 'by-method',
      kind: 'stacked-bar',
      caption: 'Resets by method',
      xLabel: 'Method',
      labels: ['Email code', 'Text message', 'Authenticator app', 'Passkey'],
      series: [
        { name: 'Completed', values: [812, 244, 390, 131] },
        { name: 'Failed', values: [96, 61, 22, 4] },
      ],
      locale: 'en-GB',
    }),
    buildChart({
      id: 'success-rate',
      kind: 'bar',
      caption: 'Success rate by method',
      xLabel: 'Method',
      labels: ['Email code', 'Text message', 'Authenticator app', 'Passkey'],
      series: [{ name: 'Success rate', values: [812 / 908, 244 / 305, 390 / 412, 131 / 135] }],
      format: 'percent',
      locale: 'en-GB',
    }),
  ];
}

/** Starts the app on a free loopback port: `/overview` (three charts) and `/csp-probe` (breaks the CSP on purpose). */
export async function startChartApp(): Promise<{ app: FastifyInstance; baseUrl: string; urls: ChartAssetUrls }> {
  const app = Fastify();
  const headers = securityHeaders({ tls: false });
  app.addHook('onRequest', async (_request, reply) => {
    reply.headers(headers);
  });
  await app.register(view, {
    engine: { eta: new Eta({ autoEscape: true }) },
    root: join(packageRoot(), 'src', 'http', 'admin', 'views'),
    production: false,
  });
  const urls = registerChartAssets(app, '/admin/assets');
  const portalCss = readFileSync(join(packageRoot(), 'src', 'http', 'portal', 'assets', 'portal.css'), 'utf8');
  app.get('/assets/portal.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(portalCss));
  // Chromium asks for the icon when it gets round to it: Unlatch's own, as every Unlatch listener serves it, not a
  // 404 that shows as a console error in whichever check happens to run after it.
  registerFavicon(app, defaultFavicon());
  app.get('/overview', async (_request, reply) => {
    const figures: string[] = [];
    for (const chart of sampleCharts()) figures.push(await app.view('partials/chart', chart));
    const html = `<!doctype html>
<html lang="en-GB" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Overview – Unlatch console</title>
<link rel="stylesheet" href="/assets/portal.css">
<link rel="stylesheet" href="${urls.adminChartsCss}">
<script src="${urls.chartJs}" defer></script>
<script src="${urls.adminChartsJs}" defer></script>
</head>
<body>
<main id="main" class="container">
<h1>Overview</h1>
${figures.join('\n')}
</main>
</body>
</html>`;
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  });
  // A page that breaks the CSP on purpose: proves the violation listener below does catch violations.
  app.get('/csp-probe', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send('<!doctype html><html lang="en"><head><title>probe</title><style>body{color:red}</style></head><body><p>probe</p></body></html>'),
  );
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, baseUrl: address, urls };
}
