import type { UnlatchConfig } from '../../config/schema.js';
import type { ClaimedMessage } from '../store/outbox-repository.js';
import { baseUrl, escapeHtml, type RenderedMail } from './templates.js';

/** What a tenant's HTML mails show of its look: a band with its logo and name in its colour. */
export interface MailBrand {
  name: string;
  /** Absolute: a mail is read far from the portal. */
  logoUrl: string | null;
  /** A `#rrggbb` that passed the WCAG AA check against white at start; the band's white name sits on it. */
  colour: string;
  /** Whom the notices name for "this wasn't me": the tenant's helpdesk mail, web page or phone, in that order. */
  supportContact?: string;
}

/** The band's colour for a tenant without `primaryColor`: the portal header's own. */
const DEFAULT_BAND = '#1b1b1b';

/** The look of each tenant with a `branding` block; tenants without one keep the plain mails. */
export function mailBrandsOf(config: Pick<UnlatchConfig, 'tenants' | 'publicUrl'>): Map<string, MailBrand> {
  const brands = new Map<string, MailBrand>();
  for (const tenant of config.tenants) {
    if (!tenant.branding) continue;
    brands.set(tenant.id, {
      name: tenant.name,
      // The portal serves it (docs/branding.md); without the content hash the URL stays valid after a new logo.
      logoUrl: tenant.branding.logo && config.publicUrl ? `${baseUrl(config.publicUrl)}/assets/brand/${tenant.id}/logo` : null,
      colour: tenant.branding.primaryColor ?? DEFAULT_BAND,
      ...supportOf(tenant.branding.support),
    });
  }
  return brands;
}

function supportOf(support: NonNullable<UnlatchConfig['tenants'][number]['branding']>['support']): { supportContact?: string } {
  const contact = support?.email ?? support?.url ?? support?.phone;
  return contact === undefined ? {} : { supportContact: contact };
}

type Render = (message: ClaimedMessage) => RenderedMail;

/**
 * A mail renderer per branded tenant, made by `renderer` with the tenant's helpdesk as the support contact
 * (undefined: the configured `mail.supportContact`): the HTML of a branded tenant's mail opens with its band.
 * The text part and the wording stay the renderer's (a tenant's own wording comes from `i18n.overrides`).
 */
export function brandMails(brands: ReadonlyMap<string, MailBrand>, renderer: (supportContact: string | undefined) => Render): Render {
  const plain = renderer(undefined);
  if (brands.size === 0) return plain;
  const byTenant = new Map([...brands].map(([id, brand]) => [id, { brand, render: brand.supportContact === undefined ? plain : renderer(brand.supportContact) }]));
  return (message) => {
    const branded = byTenant.get(message.tenantId);
    if (!branded) return plain(message);
    const mail = branded.render(message);
    return { ...mail, html: withBand(mail.html, branded.brand) };
  };
}

/** The HTML with the band as the first thing in the mail's card (the `role="article"` block every template has). */
export function withBand(html: string, brand: MailBrand): string {
  const colour = /^#[0-9a-fA-F]{3,6}$/.test(brand.colour) ? brand.colour : DEFAULT_BAND;
  const logo = brand.logoUrl
    ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" height="40" style="height:40px;width:auto;vertical-align:middle;background-color:#ffffff;padding:4px;border-radius:4px;margin:0 12px 0 0;">`
    : '';
  const band = [
    `<div style="margin:-24px -24px 24px;padding:16px 24px;background-color:${colour};border-radius:8px 8px 0 0;">`,
    `${logo}<span style="color:#ffffff;font-size:18px;font-weight:700;vertical-align:middle;">${escapeHtml(brand.name)}</span>`,
    '</div>',
  ].join('');
  return html.replace(/<div role="article"[^>]*>/, (open) => `${open}\n${band}`);
}
