import { darken, parseHexColour, toHex } from '../../core/branding/contrast.js';

/** The portal's own primary colour (portal.css), for the parts of the brand stylesheet a tenant without a colour gets. */
const PORTAL_PRIMARY = '#1d4ed8';

/**
 * A tenant's stylesheet, served after portal.css (the CSP allows no inline style, so the colour cannot be put in the
 * page). The colour arrives once, as a custom property; the rules recolour what portal.css paints in its blue. The
 * colour passed the WCAG AA check at start (white on it and it on white); its hover shade is darker still.
 */
export function brandCss(tenantId: string, primaryColor: string | undefined): string {
  const colour = primaryColor === undefined ? null : parseHexColour(primaryColor);
  const lines = [
    `/* Unlatch: the look of tenant "${tenantId}" (tenants[].branding, docs/branding.md). */`,
    '.site-brand { display: flex; flex-wrap: wrap; align-items: center; gap: 0.25rem 1rem; }',
    '.site-name { display: inline-flex; align-items: center; gap: 0.75rem; }',
    // A white plate behind the logo: a dark logo stays visible on a dark header.
    '.site-logo { display: block; height: 2.5rem; width: auto; max-width: 10rem; background: #ffffff; padding: 0.25rem; border-radius: 0.25rem; }',
    '.site-service { font-size: 1rem; }',
    // Logical sides: the bar stands at the start of the line in right-to-left pages too.
    `.brand-support { border-inline-start: 5px solid var(--brand-primary, ${PORTAL_PRIMARY}); padding-block: 0.5rem; padding-inline: 1rem 0; margin: 1.5rem 0; }`,
    '.brand-support h2 { margin-top: 0; font-size: 1.25rem; }',
    '.brand-support ul { margin: 0; padding-inline-start: 1.25rem; }',
    '.brand-support li { margin: 0 0 0.25rem; }',
    '.site-footer ul.brand-links { list-style: none; margin: 0; padding: 0; }',
  ];
  if (colour) {
    lines.push(
      `:root { --brand-primary: ${toHex(colour)}; --brand-primary-dark: ${toHex(darken(colour, 0.25))}; }`,
      'a { color: var(--brand-primary); }',
      'a:hover { color: var(--brand-primary-dark); }',
      '.button { background: var(--brand-primary); }',
      '.button:hover, .button:focus-visible, a.button:focus-visible { background: var(--brand-primary-dark); }',
      '.site-header { background: var(--brand-primary); }',
      // Links in the header (the language switch) sit on the colour: white, which passed the same check; focus keeps portal.css's yellow.
      '.site-header a:not(:focus-visible) { color: #ffffff; }',
      '.notice, .panel-notice { border-left-color: var(--brand-primary); border-inline-start-color: var(--brand-primary); }',
      '.radios input[type="radio"] { accent-color: var(--brand-primary); }',
    );
  }
  return lines.join('\n') + '\n';
}
