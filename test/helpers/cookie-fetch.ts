/**
 * A browser without JavaScript over real HTTP: fetch with a cookie jar (name, path; shared by every port of
 * the host, as browsers do), redirects followed by hand so each hop can be looked at.
 */
export class CookieFetch {
  readonly cookies = new Map<string, { value: string; path: string }>();

  async get(url: string | URL): Promise<Response> {
    return this.send(url, { method: 'GET' });
  }

  async post(url: string | URL, fields: Record<string, string>): Promise<Response> {
    return this.send(url, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Follows redirects (GET) until `stop` says so or a page answers; returns the last response and its URL. */
  async follow(res: Response, from: string | URL, stop: (url: URL) => boolean = () => false): Promise<{ res: Response; url: URL }> {
    let url = new URL(from);
    for (let hops = 0; hops < 15; hops++) {
      if (res.status < 300 || res.status >= 400) return { res, url };
      url = new URL(res.headers.get('location') ?? '', url);
      if (stop(url)) return { res, url };
      res = await this.get(url);
    }
    throw new Error('too many redirects');
  }

  private async send(url: string | URL, init: RequestInit): Promise<Response> {
    const target = new URL(url);
    const cookie = [...this.cookies].filter(([, c]) => pathMatches(target.pathname, c.path)).map(([n, c]) => `${n}=${c.value}`).join('; ');
    const res = await fetch(target, { ...init, redirect: 'manual', headers: { accept: 'text/html', ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const gone = value === '' || attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)).getTime() <= Date.now()));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
    return res;
  }
}

function pathMatches(path: string, cookiePath: string): boolean {
  return path === cookiePath || path.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);
}

/** The `_csrf` value of the first form on a page. */
export function csrfIn(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new Error(`no CSRF token on the page:\n${html.slice(0, 1000)}`);
  return token;
}

/**
 * Signs in at an oidc-provider's built-in pages (login, then consent), starting from its authorization URL,
 * and stops at the redirect back to the relying party (not followed).
 */
export async function signInAtProvider(browser: CookieFetch, authorizationUrl: string, backTo: string, login: string): Promise<URL> {
  let current = new URL(authorizationUrl);
  let res = await browser.get(current);
  for (let step = 0; step < 10; step++) {
    const followed = await browser.follow(res, current, (u) => u.href.startsWith(backTo));
    if (followed.url.href.startsWith(backTo)) return followed.url;
    current = followed.url;
    const html = await followed.res.text();
    const action = new URL((/<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '').replace(/&amp;/g, '&'), current);
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? '';
    res = await browser.post(action, prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
    current = action;
  }
  throw new Error('no way back to the relying party');
}
