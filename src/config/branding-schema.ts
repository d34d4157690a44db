import { z } from 'zod';
import { contrastRatio, formatRatio, parseHexColour, WCAG_AA_TEXT, WHITE } from '../core/branding/contrast.js';

/** Largest logo or favicon file, in bytes: a header image, not a photo. */
export const MAX_BRAND_IMAGE_BYTES = 256 * 1024;

const httpUrl = z.url({ protocol: /^https?$/ });

/** Where people get help: shown on the pages where they get stuck (ended flows, limits, outages, done). */
const supportSchema = z
  .object({
    /** The helpdesk's phone number as people dial it, e.g. `+49 30 1234 5678`. */
    phone: z.string().regex(/^\+?[0-9][0-9 ()./-]{2,39}$/, 'digits, spaces and + ( ) . / - only, e.g. "+49 30 1234 5678"').optional(),
    /** The helpdesk's web page (a ticket form, a chat). */
    url: httpUrl.optional(),
    /** The helpdesk's mail address. */
    email: z.email().max(254).optional(),
    /** When the helpdesk answers, as free text, e.g. `Mon–Fri 8:00–18:00`. */
    hours: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((s) => s.phone !== undefined || s.url !== undefined || s.email !== undefined, { message: 'name at least one of phone, url or email' });

/**
 * A tenant's look (docs/branding.md): its logo and favicon (files Unlatch serves itself), a primary colour for
 * buttons, links and the header, where people get help, and its privacy notice. The name shown is the tenant's
 * `name`; the tenant's own wording of pages and mails comes from `i18n.overrides`.
 */
export const brandingSchema = z
  .object({
    /** A PNG, WebP or SVG file (at most 256 KiB) shown in the header and the HTML mails. SVG with script is refused. */
    logo: z.string().min(1).optional(),
    /** A PNG, WebP, SVG or ICO file (at most 256 KiB) for the browser tab; default: Unlatch's own. */
    favicon: z.string().min(1).optional(),
    /**
     * `#rrggbb` for buttons, links and the header. White text sits on it and it sits on white as link text, so
     * it must reach WCAG AA (4.5:1) against white; a lighter colour stops the start.
     */
    primaryColor: z
      .string()
      .regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'a colour as #rrggbb')
      .superRefine((value, ctx) => {
        const problem = contrastProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    /** The helpdesk: phone, web page and/or mail address, and its hours. */
    support: supportSchema.optional(),
    /** The organisation's privacy notice, linked in every page's footer. */
    privacyUrl: httpUrl.optional(),
  })
  .strict();

export type BrandingConfig = z.infer<typeof brandingSchema>;

/**
 * Why a colour fails WCAG AA as a brand colour, or null. The ratio is symmetric: white text on the colour
 * (buttons, header) and the colour as text on white (links) are the same number, so one check covers both.
 */
export function contrastProblem(value: string): string | null {
  const colour = parseHexColour(value);
  if (!colour) return null;
  const ratio = contrastRatio(colour, WHITE);
  if (ratio >= WCAG_AA_TEXT) return null;
  return `contrast of ${value} with white is ${formatRatio(ratio)}, below the 4.5:1 WCAG AA asks for text (white text on buttons and the header, links on white); choose a darker colour`;
}
