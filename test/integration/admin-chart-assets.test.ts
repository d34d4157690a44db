import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etagMatches, registerChartAssets, type ChartAssetUrls } from '../../src/http/admin/charts/chart-assets.js';
import { packageRoot } from '../../src/package-root.js';

const PREFIX = '/admin/assets';
const chartDist = dirname(createRequire(import.meta.url).resolve('chart.js'));

describe('chart assets', () => {
  let app: FastifyInstance;
  let urls: ChartAssetUrls;

  beforeAll(async () => {
    app = Fastify();
    urls = registerChartAssets(app, PREFIX);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('names versioned URLs under the prefix', () => {
    expect(urls.chartJs).toMatch(/^\/admin\/assets\/chart\.js\?v=[0-9a-f]{16}$/);
    expect(urls.adminChartsJs).toMatch(/^\/admin\/assets\/admin-charts\.js\?v=[0-9a-f]{16}$/);
    expect(urls.adminChartsCss).toMatch(/^\/admin\/assets\/admin-charts\.css\?v=[0-9a-f]{16}$/);
  });

  it('serves Chart.js from node_modules, without its source map comment', async () => {
    const res = await app.inject({ method: 'GET', url: urls.chartJs });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const bundle = readFileSync(join(chartDist, 'chart.umd.min.js'), 'utf8');
    expect(res.body).not.toContain('sourceMappingURL');
    expect(res.body.trim()).toBe(bundle.replace(/\/\/# sourceMappingURL=\S+\s*$/, '').trim());
    expect(res.body.length).toBeGreaterThan(100_000);
  });

  it('serves the enhancement script and the stylesheet from the package files', async () => {
    const js = await app.inject({ method: 'GET', url: urls.adminChartsJs });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe(readFileSync(join(packageRoot(), 'src/http/admin/assets/admin-charts.js'), 'utf8'));
    const css = await app.inject({ method: 'GET', url: urls.adminChartsCss });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.chart-data-collapsed');
  });

  it('lets the current version be cached for a year and anything else only after revalidation', async () => {
    const current = await app.inject({ method: 'GET', url: urls.adminChartsJs });
    expect(current.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const bare = await app.inject({ method: 'GET', url: `${PREFIX}/admin-charts.js` });
    expect(bare.statusCode).toBe(200);
    expect(bare.headers['cache-control']).toBe('public, no-cache');
    const stale = await app.inject({ method: 'GET', url: `${PREFIX}/admin-charts.js?v=0000000000000000` });
    expect(stale.headers['cache-control']).toBe('public, no-cache');
    // A repeated parameter is not the version either (one value per field).
    const version = urls.adminChartsJs.split('?v=')[1];
    const repeated = await app.inject({ method: 'GET', url: `${PREFIX}/admin-charts.js?v=${version}&v=${version}` });
    expect(repeated.headers['cache-control']).toBe('public, no-cache');
    expect(current.headers.etag).toBe(`"${version}"`);
  });

  it('answers 304 with no body when the browser holds the same version', async () => {
    const first = await app.inject({ method: 'GET', url: urls.chartJs });
    const etag = String(first.headers.etag);
    const again = await app.inject({ method: 'GET', url: urls.chartJs, headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const other = await app.inject({ method: 'GET', url: urls.chartJs, headers: { 'if-none-match': '"someotherversion"' } });
    expect(other.statusCode).toBe(200);
  });

  it('does not serve the library under any other name', async () => {
    for (const url of [`${PREFIX}/chart.umd.min.js`, `${PREFIX}/chart.umd.min.js.map`, `${PREFIX}/../package.json`, '/chart.js']) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('refuses a prefix that is not a plain path', () => {
    for (const prefix of ['', '/', 'admin', '/admin/', '/admin//x', '/a b', '/admin/../x/..x?', '/admin/..', '/./assets']) {
      expect(() => registerChartAssets(Fastify(), prefix), prefix).toThrow(/prefix/);
    }
  });
});

describe('etagMatches', () => {
  it('compares weakly and understands lists and *', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('"a"', '"a"')).toBe(true);
    expect(etagMatches('W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b", "a"', '"a"')).toBe(true);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
    expect(etagMatches('a', '"a"')).toBe(false);
  });
});
