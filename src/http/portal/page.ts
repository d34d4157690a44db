import type { FastifyReply, FastifyRequest } from 'fastify';
import { field } from './form.js';
import type { ClientInfo } from '../../core/ports/client-info.js';
import { traceIdOf } from '../tracing-hooks.js';
import type { HttpDeps } from '../http-deps.js';
import { pickLanguage, translatorFor, type Translate } from './language.js';

/** What every route of the portal shares: the deps and what was decided once at start. */
export interface PortalContext {
  deps: HttpDeps;
  /** Languages with portal texts loaded, English first. */
  languages: string[];
  /** Cookies get `Secure` when the configured public URL is https. */
  secureCookies: boolean;
  /** Several tenants configured: the forms offer a choice. */
  tenantChoice: boolean;
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

export function languageOf(ctx: PortalContext, request: FastifyRequest): string {
  const header = request.headers['accept-language'];
  return pickLanguage(typeof header === 'string' ? header : undefined, ctx.languages);
}

export function portalT(ctx: PortalContext, request: FastifyRequest): Translate {
  return translatorFor(ctx.deps.i18n, languageOf(ctx, request), 'portal');
}

export function errorsT(ctx: PortalContext, request: FastifyRequest): Translate {
  return translatorFor(ctx.deps.i18n, languageOf(ctx, request), 'errors');
}

/** The tenant a form names, when people may choose one; else the default tenant. */
export function tenantOf(ctx: PortalContext, request: FastifyRequest): string {
  const chosen = ctx.tenantChoice ? field(request, 'tenant') : '';
  return chosen !== '' ? chosen : ctx.deps.tenants.defaultTenantId;
}

export function clientOf(request: FastifyRequest): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : '', correlationId: traceIdOf(request) ?? request.id };
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
  const t = translatorFor(ctx.deps.i18n, lang, 'portal');
  const errors = data.errors ?? [];
  const errorFor = (field: string): FieldError | undefined => errors.find((e) => e.field === field);
  const csrfToken = data.form ? reply.generateCsrf() : '';
  const html = await reply.viewAsync(view, {
    ...data,
    lang,
    dir: ctx.deps.i18n.dir(lang),
    t,
    errors,
    errorFor,
    csrfToken,
    requestId: request.id,
  });
  return reply.code(status).type('text/html; charset=utf-8').send(html);
}

/** Minutes left until `when` (at least 1) and the clock time in UTC, for "valid until" texts. */
export function expiryOf(when: Date, lang: string, now: Date = new Date()): { minutes: number; time: string } {
  const minutes = Math.max(1, Math.ceil((when.getTime() - now.getTime()) / 60_000));
  let time: string;
  try {
    time = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hourCycle: 'h23' }).format(when);
  } catch {
    time = when.toISOString().slice(11, 16);
  }
  return { minutes, time };
}
