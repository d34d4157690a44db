import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { i18n } from 'i18next';
import type { HttpDeps } from './http-deps.js';
import { matchLanguage, portalLanguages } from './portal/language.js';

/** The cookie that keeps the language a person picked in the switcher (portal and console alike). */
export const LANGUAGE_COOKIE = 'unlatch_lang';

/** A year: a language choice is a preference, not a session. */
const LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600;

/** What the switcher route accepts as the page to go back to: a path of this server, never another site. */
const LOCAL_PATH = /^\/(?![/\\])[^\s\\]*$/;

/**
 * The one rule for a page's (or problem's) language, portal and console alike: the switcher's cookie, else the
 * browser's `Accept-Language`, else the tenant's `defaultLanguage`, else English. Only loaded languages count.
 */
export function chooseLanguage(input: { cookie?: string | undefined; acceptLanguage?: string | undefined; tenantDefault?: string | undefined; available: readonly string[] }): string {
  const { available } = input;
  if (input.cookie !== undefined && available.includes(input.cookie)) return input.cookie;
  const fromHeader = matchLanguage(input.acceptLanguage, available);
  if (fromHeader !== null) return fromHeader;
  if (input.tenantDefault !== undefined && available.includes(input.tenantDefault)) return input.tenantDefault;
  return available.includes('en') ? 'en' : (available[0] ?? 'en');
}

const languagesCache = new WeakMap<i18n, string[]>();

/** The languages a person may choose (those with the portal's texts), English first; computed once per catalogue. */
export function availableLanguages(instance: i18n): string[] {
  let languages = languagesCache.get(instance);
  if (!languages) {
    languages = portalLanguages(instance);
    if (languages.length === 0) languages.push('en');
    languagesCache.set(instance, languages);
  }
  return languages;
}

/** The language of a request for a tenant (see `chooseLanguage`). */
export function requestLanguage(deps: Pick<HttpDeps, 'i18n' | 'tenants'>, request: FastifyRequest, tenantId?: string): string {
  const header = request.headers['accept-language'];
  const tenant = tenantId ? deps.tenants.get(tenantId) : deps.tenants.get(deps.tenants.defaultTenantId);
  return chooseLanguage({
    cookie: request.cookies?.[LANGUAGE_COOKIE],
    acceptLanguage: typeof header === 'string' ? header : undefined,
    tenantDefault: tenant?.defaultLanguage,
    available: availableLanguages(deps.i18n),
  });
}

/** One entry of the language switcher: the language named in itself ("Deutsch", "العربية"). */
export interface LanguageLink {
  code: string;
  name: string;
  dir: 'ltr' | 'rtl';
  href: string;
  current: boolean;
}

/**
 * The switcher's links for a page: each sets the cookie and comes back to `back` (this page's path). The query is
 * left out on purpose: it may carry a secret (the emailed link's `?token=`), which must not be copied into another
 * URL, the switcher's request log line or a history entry.
 */
export function languageLinks(instance: i18n, current: string, back: string): LanguageLink[] {
  const path = back.split('?')[0] ?? '/';
  const to = LOCAL_PATH.test(path) && path.length <= 2000 ? path : '/';
  return availableLanguages(instance).map((code) => ({
    code,
    name: nativeName(code),
    dir: instance.dir(code),
    href: `/language?lang=${encodeURIComponent(code)}&back=${encodeURIComponent(to)}`,
    current: code === current,
  }));
}

/** A language's name in that language, capitalised as a list entry: Intl knows them, so no catalogue needs one. */
export function nativeName(code: string): string {
  let name = code;
  try {
    name = new Intl.DisplayNames([code], { type: 'language' }).of(code) ?? code;
  } catch {
    // An odd code: shown as it is.
  }
  return name.charAt(0).toLocaleUpperCase(code) + name.slice(1);
}

/**
 * `GET /language?lang=de&back=/reset/code`: keeps the choice in a cookie and sends the person back to the page
 * they were on. A GET (links work without JavaScript and without a form's CSRF token): it changes nothing but a
 * preference of this browser. `back` must be a path of this server (no open redirect); an unknown language is ignored.
 */
export function registerLanguageRoute(app: FastifyInstance, deps: HttpDeps): void {
  const secure = deps.config.publicUrl?.startsWith('https://') ?? false;
  app.get('/language', async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const lang = typeof query.lang === 'string' ? query.lang : '';
    const back = typeof query.back === 'string' && LOCAL_PATH.test(query.back) && query.back.length <= 2000 ? query.back : '/';
    if (availableLanguages(deps.i18n).includes(lang)) {
      reply.setCookie(LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, secure, maxAge: LANGUAGE_COOKIE_SECONDS });
    }
    return reply.header('cache-control', 'no-store').redirect(back, 303);
  });
}

/** A tenant's catalogue: its overrides (`i18n.overrides`) merged in, else the installed texts. */
export function catalogueOf(deps: Pick<HttpDeps, 'i18n' | 'i18nFor'>, tenantId: string): i18n {
  return deps.i18nFor ? deps.i18nFor(tenantId) : deps.i18n;
}

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/**
 * What a request says about its person's languages, for the messages it sends (`ClientInfo.lang`): the switcher's
 * choice first, then the browser's ranges, in Accept-Language syntax (matched against the loaded languages when the
 * message is written, the tenant's default after them). Undefined when the request says nothing.
 */
export function languagePreference(request: FastifyRequest): string | undefined {
  const cookie = request.cookies?.[LANGUAGE_COOKIE];
  const header = request.headers['accept-language'];
  const parts = [typeof cookie === 'string' && LANGUAGE_TAG.test(cookie) ? cookie : '', typeof header === 'string' ? header.slice(0, 200) : ''].filter((p) => p !== '');
  return parts.length === 0 ? undefined : parts.join(', ');
}
