import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/test-app.js';

/** The `_csrf` value of the (first) form on a page. */
export function csrfOf(html: string): string {
  const token = /<input type="hidden" name="_csrf" value="([^"]+)">/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF token on the page:\n${html.slice(0, 2000)}`);
  return token;
}

/** Form-encodes fields; an array value repeats the field, as a browser does for same-named inputs. */
export function formBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

/** The text of the page without tags, whitespace collapsed, entities for quotes undone: what a person reads. */
export function visibleText(html: string): string {
  return html
    .replace(/<head>[\s\S]*?<\/head>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Cookie {
  value: string;
  path: string;
}

/**
 * A person with a browser, over `inject`: keeps cookies (honouring their path), sends the CSRF token
 * of the last page with each form, never runs JavaScript (the portal needs none).
 */
export class PortalVisitor {
  readonly cookies = new Map<string, Cookie>();
  lastPage = '';

  constructor(private readonly t: TestApp, private readonly headers: Record<string, string> = {}) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.t.server.inject({ method: 'GET', url, headers: { accept: 'text/html', ...this.headers, ...this.cookieHeader(url) } });
    this.remember(res);
    if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastPage = res.body;
    return res;
  }

  /** Submits a form with the CSRF token of the last page (unless `_csrf` is given). */
  async post(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const withToken = '_csrf' in fields ? fields : { _csrf: csrfOf(this.lastPage), ...fields };
    const res = await this.t.server.inject({
      method: 'POST',
      url,
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...this.headers, ...this.cookieHeader(url) },
      payload: formBody(withToken),
    });
    this.remember(res);
    if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastPage = res.body;
    return res;
  }

  /** GET the page, then submit its form. */
  async fill(url: string, fields: Record<string, string | string[]>): Promise<LightMyRequestResponse> {
    const page = await this.get(url);
    expect(page.statusCode, page.body).toBe(200);
    return this.post(url, fields);
  }

  /** Follows a 303 with a GET, as a browser does. */
  async follow(res: LightMyRequestResponse): Promise<LightMyRequestResponse> {
    expect(res.statusCode, res.body).toBe(303);
    const location = res.headers.location;
    if (typeof location !== 'string') throw new Error('303 without a Location');
    return this.get(location);
  }

  private cookieHeader(url: string): Record<string, string> {
    const path = url.split('?')[0] ?? url;
    const pairs = [...this.cookies].filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
    return pairs.length === 0 ? {} : { cookie: pairs.map(([name, c]) => `${name}=${encodeURIComponent(c.value)}`).join('; ') };
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; path?: string; expires?: Date; maxAge?: number }>) {
      const gone = c.value === '' || (c.expires !== undefined && c.expires.getTime() <= Date.now()) || c.maxAge === 0;
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, { value: c.value, path: c.path ?? '/' });
    }
  }
}

/** Every Set-Cookie line of a response. */
export function setCookies(res: LightMyRequestResponse): string[] {
  const raw = res.headers['set-cookie'];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** Every visible control has a label, and every id it points at with aria-describedby exists. */
export function expectLabelledControls(html: string): void {
  const controls = [...html.matchAll(/<input\b([^>]*)>/g)].map((m) => m[1] ?? '').filter((attrs) => !/type="hidden"/.test(attrs));
  expect(controls.length).toBeGreaterThan(0);
  for (const attrs of controls) {
    const id = /\bid="([^"]+)"/.exec(attrs)?.[1];
    expect(id, attrs).toBeDefined();
    expect(html, `label for #${id}`).toContain(`<label for="${id}">`);
    for (const ref of (/\baria-describedby="([^"]*)"/.exec(attrs)?.[1] ?? '').split(' ').filter(Boolean)) {
      expect(html, `#${ref} referenced by #${id}`).toContain(`id="${ref}"`);
    }
  }
}
