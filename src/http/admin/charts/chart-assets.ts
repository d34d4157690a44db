import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { packageRoot } from '../../../package-root.js';

/** The console's own chart files, read from beside package.json so `src/` and `dist/src/` find the same ones. */
const ASSETS_DIR = join('src', 'http', 'admin', 'assets');

/** A year: the longest lifetime caches honour; safe because the URL changes with the content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** A URL without the current version: the browser may keep it but must ask (a cheap 304) before using it. */
const REVALIDATE = 'public, no-cache';

/** The URLs a page links to, each with `?v=<content hash>` so a new release is a new URL. */
export interface ChartAssetUrls {
  /** Chart.js 4's UMD bundle from node_modules (global `Chart`), never a CDN. */
  chartJs: string;
  /** The enhancement script: draws each `figure[data-chart]` from its table. Load after `chartJs`, both `defer`. */
  adminChartsJs: string;
  /** The figures' styles (chart box, data table, the "Show data table" button). */
  adminChartsCss: string;
}

interface Asset {
  file: string;
  type: string;
  body: Buffer;
  /** The first 16 hex digits of the body's SHA-256: the `v` of the URL and the ETag. */
  version: string;
}

let loaded: Asset[] | null = null;

/** The three files, read and hashed once per process (at the first registration). */
function chartAssets(): Asset[] {
  if (loaded) return loaded;
  const own = join(packageRoot(), ASSETS_DIR);
  const asset = (file: string, type: string, body: Buffer): Asset => ({
    file,
    type,
    body,
    version: createHash('sha256').update(body).digest('hex').slice(0, 16),
  });
  loaded = [
    asset('chart.js', 'text/javascript; charset=utf-8', chartBundle()),
    asset('admin-charts.js', 'text/javascript; charset=utf-8', readFileSync(join(own, 'admin-charts.js'))),
    asset('admin-charts.css', 'text/css; charset=utf-8', readFileSync(join(own, 'admin-charts.css'))),
  ];
  return loaded;
}

/**
 * Chart.js's prebuilt UMD bundle. The package's exports map names no file in `dist/` but its entry
 * points, so the bundle is found beside the resolved CommonJS entry (`dist/chart.cjs`). Its source map
 * comment is dropped: the map is not served, and a browser's request for it would only log a 404.
 */
function chartBundle(): Buffer {
  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const text = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8');
  return Buffer.from(text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, '\n'), 'utf8');
}

/**
 * Serves the chart library, the enhancement script and its stylesheet at `${prefix}/chart.js`,
 * `${prefix}/admin-charts.js` and `${prefix}/admin-charts.css`; returns the versioned URLs for pages.
 * A request carrying the current `?v=` is cached for a year (`immutable`); any other is revalidated
 * through the ETag. The files are the same for everyone and hold nothing secret, so the console's
 * `no-store` does not apply to them. `prefix` is a path such as `/admin/assets` (no trailing slash).
 */
export function registerChartAssets(app: FastifyInstance, prefix: string): ChartAssetUrls {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix) || prefix.split('/').some((segment) => /^\.+$/.test(segment))) {
    throw new Error(`chart assets prefix must be a path like /admin/assets, not ${JSON.stringify(prefix)}`);
  }
  const urls: Record<string, string> = {};
  for (const asset of chartAssets()) {
    const path = `${prefix}/${asset.file}`;
    const etag = `"${asset.version}"`;
    urls[asset.file] = `${path}?v=${asset.version}`;
    app.get(path, async (request, reply) => {
      const { v } = request.query as { v?: unknown };
      reply
        .header('cache-control', v === asset.version ? IMMUTABLE : REVALIDATE)
        .header('etag', etag)
        .type(asset.type);
      if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply.send(asset.body);
    });
  }
  return {
    chartJs: urls['chart.js'] as string,
    adminChartsJs: urls['admin-charts.js'] as string,
    adminChartsCss: urls['admin-charts.css'] as string,
  };
}

/** RFC 9110 §13.1.2: `*`, or a list of tags compared weakly (a `W/` prefix does not matter for GET). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}
