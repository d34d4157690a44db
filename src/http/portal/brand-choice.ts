import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BrandCatalogue, PageBrand } from './brand-catalogue.js';

/** What of the portal's context the choice needs (the portal's `PortalContext` is one). */
export interface BrandScope {
  brands: BrandCatalogue;
  /** Several tenants: a link or a form may name one. */
  tenantChoice: boolean;
  secureCookies: boolean;
  deps: { tenants: { defaultTenantId: string } };
}

/**
 * Remembers whose look the pages have, across the pages of a flow (which name no tenant). It chooses colours and
 * a logo, nothing else: not secret, not signed, and a value that names no configured tenant is ignored. `Lax`, so
 * the look holds when a link in a mail opens the portal.
 */
export const BRAND_COOKIE = 'unlatch_brand';

/**
 * The page's tenant: whose look the page has and whose `defaultLanguage` and texts it falls back to (the one
 * function for both, so a `?tenant=acme` link gets acme's colours and acme's language alike). The one a submitted
 * form names, else the one a link names (`?tenant=corp`, for an organisation's own link to the portal), else the
 * one remembered from earlier pages, else the default tenant. A value that names no configured tenant is ignored.
 */
export function pageTenantOf(ctx: BrandScope, request: FastifyRequest): string {
  return namedTenantOf(ctx, request) ?? knownTenant(ctx, request.cookies?.[BRAND_COOKIE]) ?? ctx.deps.tenants.defaultTenantId;
}

/** The page data of the tenant whose look the page has. */
export function pageBrandOf(ctx: BrandScope, request: FastifyRequest): PageBrand {
  return (ctx.brands.get(pageTenantOf(ctx, request)) ?? ctx.brands.get(ctx.deps.tenants.defaultTenantId))!.page;
}

/**
 * The page's brand, and for a form shown by GET the tenant it preselects: the one whose look the page has (the
 * routes pass the default tenant, which would otherwise undo a `?tenant=` link's choice).
 */
export function brandPageData(ctx: BrandScope, request: FastifyRequest, data: Record<string, unknown>): { brand: PageBrand; tenant?: string } {
  const brand = pageBrandOf(ctx, request);
  const preselect = ctx.tenantChoice && request.method === 'GET' && typeof data.tenant === 'string';
  return preselect ? { brand, tenant: brand.tenantId } : { brand };
}

/** Sets the cookie when a request names a tenant other than the remembered one (one tenant: never). */
export function registerBrandChoice(app: FastifyInstance, ctx: BrandScope): void {
  if (!ctx.tenantChoice) return;
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    const named = namedTenantOf(ctx, request);
    if (named === null || named === request.cookies?.[BRAND_COOKIE]) return;
    reply.setCookie(BRAND_COOKIE, named, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.secureCookies });
  });
}

function namedTenantOf(ctx: BrandScope, request: FastifyRequest): string | null {
  if (!ctx.tenantChoice) return null;
  const query = (request.query as Record<string, unknown> | undefined)?.tenant;
  const body = request.method === 'POST' ? (request.body as Record<string, unknown> | undefined)?.tenant : undefined;
  // The form's choice first: it is the person's latest word (a form's action carries no query, but a posted URL might).
  return knownTenant(ctx, body) ?? knownTenant(ctx, query);
}

function knownTenant(ctx: BrandScope, value: unknown): string | null {
  return typeof value === 'string' && ctx.brands.has(value) ? value : null;
}
