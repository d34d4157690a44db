import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from './form.js';
import type { ClientInfo } from '../../core/ports/client-info.js';
import { traceIdOf } from '../tracing-hooks.js';
import type { HttpDeps } from '../http-deps.js';
import { translatorFor, type Translate } from './language.js';
import { catalogueOf, languageLinks, languagePreference, requestLanguage } from '../language-choice.js';
import { DEFAULT_TIME_ZONE, expiryText } from '../../core/time-zone.js';
import { pageExpiry, type PageExpiry } from './time-text.js';
import type { BrandCatalogue } from './brand-catalogue.js';
import { brandPageData, pageTenantOf } from './brand-choice.js';

/** What every route of the portal shares: the deps and what was decided once at start. */
export interface PortalContext {
  deps: HttpDeps;
  /** Cookies get `Secure` when the configured public URL is https. */
  secureCookies: boolean;
  /** Several tenants configured: the forms offer a choice. */
  tenantChoice: boolean;
  /** Each tenant's look (name, logo, colour, helpdesk, privacy notice): docs/branding.md. */
  brands: BrandCatalogue;
}

/** One error shown next to its field and, as a link to that field, in the summary at the top. */
export interface FieldError {
  /** The `id` of the input the message belongs to. */
  field: string;
  message: string;
  /** Extra lines under the message (e.g. every reason a password was refused). */
  details?: string[];
}

export interface PageData {
  /** The page's `<h1>` and, prefixed with the service name, its `<title>`. */
  title: string;
  errors?: FieldError[];
  /** The page holds a form: a CSRF token is generated for it. */
  form?: boolean;
  [key: string]: unknown;
}

/**
 * The page's language: the switcher's cookie, else Accept-Language, else the default of the page's tenant — the
 * tenant whose look the page has (`pageTenantOf`), so a `?tenant=` link changes both at once.
 */
export function languageOf(ctx: PortalContext, request: FastifyRequest): string {
  return requestLanguage(ctx.deps, request, pageTenantOf(ctx, request));
}

export function portalT(ctx: PortalContext, request: FastifyRequest): Translate {
  return translatorFor(catalogueOf(ctx.deps, pageTenantOf(ctx, request)), languageOf(ctx, request), 'portal');
}

export function errorsT(ctx: PortalContext, request: FastifyRequest): Translate {
  return translatorFor(catalogueOf(ctx.deps, pageTenantOf(ctx, request)), languageOf(ctx, request), 'errors');
}

/** The tenant a form names, when people may choose one; else the default tenant. */
export function tenantOf(ctx: PortalContext, request: FastifyRequest): string {
  const chosen = ctx.tenantChoice ? field(request, 'tenant') : '';
  return chosen !== '' ? chosen : ctx.deps.tenants.defaultTenantId;
}

export function clientOf(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  const lang = languagePreference(request);
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : '', correlationId: traceIdOf(request) ?? request.id, ...(lang ? { lang } : {}) };
}

/**
 * Renders a page of the portal with the layout's common data (language, translator, CSRF token,
 * error summary). The status is set by the caller; HTML is never cached by anyone.
 */
export async function renderPage(
  ctx: PortalContext,
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: PageData,
  status = 200,
): Promise<FastifyReply> {
  const lang = languageOf(ctx, request);
  const catalogue = catalogueOf(ctx.deps, pageTenantOf(ctx, request));
  const t = translatorFor(catalogue, lang, 'portal');
  const errors = data.errors ?? [];
  const errorFor = (field: string): FieldError | undefined => errors.find((e) => e.field === field);
  const csrfToken = data.form ? reply.generateCsrf() : '';
  const html = await reply.viewAsync(view, {
    ...data,
    ...brandPageData(ctx, request, data),
    lang,
    dir: catalogue.dir(lang),
    // The switcher comes back to this page (a GET of it: a form's result page shows its step again).
    languageLinks: languageLinks(catalogue, lang, request.url),
    t,
    errors,
    errorFor,
    csrfToken,
    requestId: request.id,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/**
 * Minutes left until `when` (at least 1) and its clock time in the tenant's zone (`tenants[].timeZone`, default UTC),
 * with the moment as ISO for `<time datetime>`: /assets/local-time.js shows it in the browser's own zone where it runs.
 */
export function expiryOf(ctx: PortalContext, when: Date, lang: string, tenantId?: string, now: Date = new Date()): PageExpiry {
  const zone = ctx.deps.tenants.get(tenantId ?? ctx.deps.tenants.defaultTenantId)?.timeZone ?? DEFAULT_TIME_ZONE;
  return pageExpiry(expiryText(when, lang, zone, now));
}
