import { expect } from 'vitest';
import { checkPage, type OperatorBrowser } from './console-checks.js';

/**
 * Walks the console as an operator clicks through it: from the navigation, every link to a console page of the
 * tenant is followed and each kind of page is checked once, so an area added later is walked without touching
 * the test. Exports (`download` links, `.csv`, `.jsonl`) are not pages and are left alone.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A query value this long is an id or a cursor: one page of its kind is enough. */
const LONG_VALUE = 16;
const EXPORT = /\.(csv|jsonl|json)$/;

/** A page's kind: ids in the path become `:id`, long query values `*`, the query sorted (`/audit/entries/:id`, `/overview?period=7d`). */
export function pageKey(href: string): string {
  const url = new URL(href);
  const path = url.pathname
    .split('/')
    .map((segment) => (UUID.test(segment) || /^\d+$/.test(segment) || (segment.length >= LONG_VALUE && /\d/.test(segment)) ? ':id' : segment))
    .join('/');
  const query = [...url.searchParams.entries()]
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${key}=${value.length >= LONG_VALUE ? '*' : value}`)
    .sort();
  return query.length > 0 ? `${path}?${query.join('&')}` : path;
}

/** The links on the page (navigation and content) to the tenant's console pages, without fragments and exports. */
export async function consoleLinks(who: OperatorBrowser, tenantPrefix: string): Promise<string[]> {
  const hrefs = await who.page.evaluate<string[]>("[...document.querySelectorAll('a[href]')].filter((a) => !a.hasAttribute('download')).map((a) => a.href)");
  const origin = new URL(who.page.url()).origin;
  const links = new Set<string>();
  for (const href of hrefs) {
    const url = new URL(href);
    url.hash = '';
    if (url.origin !== origin || !url.pathname.startsWith(tenantPrefix) || EXPORT.test(url.pathname)) continue;
    links.add(url.href);
  }
  return [...links];
}

/** The navigation's links to the areas (the `Areas` nav of the layout), in their order. */
export async function areaLinks(who: OperatorBrowser): Promise<string[]> {
  return who.page.evaluate<string[]>("[...document.querySelectorAll('nav.console-nav a[href]')].map((a) => a.href)");
}

export interface CrawlOptions {
  /** Kinds of page already checked (by `pageKey`), with the URL each was checked at; the walk adds to it. */
  visited: Map<string, string>;
  /** Only links under this path are followed (`/admin/t/<tenant>/`). */
  tenantPrefix: string;
  /** A guard against a walk that never ends (a link that makes new kinds of page forever). */
  maxPages?: number;
}

/** Visits `starts` and every console page reachable from them by links, checking each kind of page once (`checkPage`). */
export async function crawl(who: OperatorBrowser, starts: string[], options: CrawlOptions): Promise<void> {
  const max = options.maxPages ?? 120;
  const queue = [...starts];
  while (queue.length > 0) {
    const href = queue.shift()!;
    const key = pageKey(href);
    if (options.visited.has(key)) continue;
    expect(options.visited.size, `more than ${max} kinds of console page: ${[...options.visited.keys()].join(', ')}`).toBeLessThan(max);
    options.visited.set(key, href);
    who.problems.length = 0;
    const response = await who.page.goto(href);
    expect(response?.status(), `status of ${href}`).toBe(200);
    await checkPage(who, key);
    for (const link of await consoleLinks(who, options.tenantPrefix)) if (!options.visited.has(pageKey(link))) queue.push(link);
  }
}
