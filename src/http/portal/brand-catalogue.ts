import { createHash } from 'node:crypto';
import type { BrandingConfig } from '../../config/branding-schema.js';
import { readBrandImage, type BrandImage } from '../../config/brand-files.js';
import type { UnlatchConfig } from '../../config/schema.js';
import { brandCss } from './brand-css.js';

/** What a page shows of its tenant's look (`it.brand` in the templates). */
export interface PageBrand {
  tenantId: string;
  /** The organisation's name: the header, every `<title>`. */
  name: string;
  /** The tenant's stylesheet, its content hash in the query (a changed look gets a new URL). */
  cssUrl: string;
  logoUrl: string | null;
  faviconUrl: string;
  /** The favicon's `type` attribute; null for the default `/favicon.ico`. */
  faviconType: string | null;
  support: NonNullable<BrandingConfig['support']> | null;
  /** The phone number as a `tel:` URI (digits and a leading +). */
  supportTel: string | null;
  privacyUrl: string | null;
}

/** A file of a tenant's look, served by Unlatch itself. */
export interface BrandFile {
  body: Buffer;
  type: string;
  hash: string;
}

interface TenantBrand {
  page: PageBrand;
  css: BrandFile;
  logo: BrandFile | null;
  favicon: BrandFile | null;
}

/** Where a tenant's files are served; `<id>` is a tenant id (lowercase letters, digits, dashes). */
export const brandPaths = {
  css: (id: string) => `/assets/brand/${id}.css`,
  logo: (id: string) => `/assets/brand/${id}/logo`,
  favicon: (id: string) => `/assets/brand/${id}/favicon`,
};

/**
 * Every tenant's look, built once at start from `tenants[].branding`: the page data, the generated stylesheet and
 * the image files, read and checked again here (the config loader checked them already; a file changed since then
 * still cannot slip in unchecked).
 */
export class BrandCatalogue {
  private readonly byId = new Map<string, TenantBrand>();

  constructor(config: Pick<UnlatchConfig, 'tenants'>) {
    for (const [i, tenant] of config.tenants.entries()) {
      const branding = tenant.branding ?? {};
      const css = fileOf(Buffer.from(brandCss(tenant.id, branding.primaryColor), 'utf8'), 'text/css; charset=utf-8');
      const logo = branding.logo ? imageFile(readBrandImage(branding.logo, 'logo', `config: tenants.${i}.branding.logo`)) : null;
      const favicon = branding.favicon ? imageFile(readBrandImage(branding.favicon, 'favicon', `config: tenants.${i}.branding.favicon`)) : null;
      const support = branding.support ?? null;
      this.byId.set(tenant.id, {
        css,
        logo,
        favicon,
        page: {
          tenantId: tenant.id,
          name: tenant.name,
          cssUrl: `${brandPaths.css(tenant.id)}?v=${css.hash}`,
          logoUrl: logo ? `${brandPaths.logo(tenant.id)}?v=${logo.hash}` : null,
          faviconUrl: favicon ? `${brandPaths.favicon(tenant.id)}?v=${favicon.hash}` : '/favicon.ico',
          faviconType: favicon ? favicon.type : null,
          support,
          supportTel: support?.phone ? `tel:${support.phone.replace(/[^0-9+]/g, '')}` : null,
          privacyUrl: branding.privacyUrl ?? null,
        },
      });
    }
  }

  /** The look of a tenant; null for an id that is not configured. */
  get(tenantId: string): TenantBrand | null {
    return this.byId.get(tenantId) ?? null;
  }

  has(tenantId: string): boolean {
    return this.byId.has(tenantId);
  }
}

function imageFile(image: BrandImage): BrandFile {
  return { body: image.bytes, type: image.type, hash: image.hash };
}

function fileOf(body: Buffer, type: string): BrandFile {
  return { body, type, hash: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
}
