import type { FastifyReply, FastifyRequest } from 'fastify';
import { rolesOn, tenantsOf } from '../../core/admin/operator.js';
import { translatorFor, type Translate } from '../portal/language.js';
import { catalogueOf, languageLinks, requestLanguage } from '../language-choice.js';
import { tenantParam, type AdminContext } from './admin-context.js';
import { areasFor } from './area-guard.js';

/** The console's language for a request: the same rule as the portal's (switcher cookie, Accept-Language, tenant default). */
export function adminLanguage(ctx: AdminContext, request: FastifyRequest): string {
  return requestLanguage(ctx.deps, request, tenantParam(request) || undefined);
}

/** The console's texts (namespace `admin`) in the request's language, with the tenant's overrides. */
export function adminT(ctx: AdminContext, request: FastifyRequest): Translate {
  return translatorFor(catalogueOf(ctx.deps, tenantParam(request) || ctx.deps.tenants.defaultTenantId), adminLanguage(ctx, request), 'admin');
}

export interface AdminPageData {
  /** The page's `<h1>` and, with the console's name, its `<title>`. */
  title: string;
  /** A field error (`field` is the input's id). */
  errors?: Array<{ field: string; message: string }>;
  /** Loads the charts script (pages with charts only). */
  charts?: boolean;
  /** Loads the passkey scripts (the sign-in's second step). */
  passkeys?: boolean;
  /** Reloads the page every so many seconds (a meta refresh: progress pages work without JavaScript). */
  refreshSeconds?: number;
  [key: string]: unknown;
}

/**
 * Renders a console page inside the layout: navigation of the areas the operator may enter on this tenant,
 * the tenant switcher, the sign-out form (with its CSRF token). Never cached.
 */
export async function renderAdmin(ctx: AdminContext, request: FastifyRequest, reply: FastifyReply, view: string, data: AdminPageData, status = 200): Promise<FastifyReply> {
  const t = adminT(ctx, request);
  const lang = adminLanguage(ctx, request);
  const operator = request.operator;
  const tenantId = tenantParam(request);
  const allTenants = ctx.deps.tenants.list();
  const nav = operator && tenantId ? areasFor(ctx.areas, rolesOn(operator, tenantId)).map((a) => ({ id: a.id, href: `/admin/t/${tenantId}/${a.id}`, label: t(`nav.${a.id}`) })) : [];
  const tenants = operator ? tenantsOf(operator, allTenants.map((x) => x.id)).map((id) => ({ id, name: allTenants.find((x) => x.id === id)?.name ?? id })) : [];
  const html = await reply.viewAsync(view, {
    ...data,
    errors: data.errors ?? [],
    lang,
    dir: ctx.deps.i18n.dir(lang),
    languageLinks: languageLinks(ctx.deps.i18n, lang, request.url),
    t,
    operator,
    tenantId,
    tenantName: allTenants.find((x) => x.id === tenantId)?.name ?? tenantId,
    tenants,
    nav,
    currentPath: request.url.split('?')[0],
    csrfToken: reply.generateCsrf(),
    date: formatDate,
    assets: ctx.chartAssets,
    requestId: request.id,
  });
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}

/** Times in the console: UTC to the minute, the same for every operator wherever they sit ("—" when unknown). */
export function formatDate(value: Date | number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const date = typeof value === 'number' ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? '—' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
