import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';
import { imageTypeOf, svgProblem } from '../../src/config/brand-files.js';
import { contrastRatio, formatRatio, parseHexColour, WHITE } from '../../src/core/branding/contrast.js';
import { brandFolder, PNG_BYTES, SAFE_SVG, SCRIPT_SVG } from '../helpers/brand-files.js';

/** A dev configuration with one tenant carrying `branding`; relative files are taken from `cwd`. */
function withBranding(branding: Record<string, unknown>, cwd?: string) {
  return validateConfig({ mode: 'dev', tenants: [{ id: 'corp', name: 'Corp', branding }] }, cwd);
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('contrast (WCAG 2.2)', () => {
  it('matches the published extremes and the well-known AA boundary greys', () => {
    expect(contrastRatio(parseHexColour('#000000')!, WHITE)).toBeCloseTo(21, 5);
    expect(contrastRatio(WHITE, WHITE)).toBe(1);
    // #767676 is the lightest grey that passes on white (4.54:1); #777777 fails (4.48:1).
    expect(formatRatio(contrastRatio(parseHexColour('#767676')!, WHITE))).toBe('4.54:1');
    expect(formatRatio(contrastRatio(parseHexColour('#777777')!, WHITE))).toBe('4.47:1');
    expect(parseHexColour('#abc')).toEqual({ r: 0xaa, g: 0xbb, b: 0xcc });
    expect(parseHexColour('blue')).toBeNull();
  });
});

describe('tenants[].branding', () => {
  it('refuses a primary colour below WCAG AA, naming the key and the ratio', () => {
    const message = refusal(() => withBranding({ primaryColor: '#7aa7ff' }));
    const ratio = formatRatio(contrastRatio(parseHexColour('#7aa7ff')!, WHITE));
    expect(ratio).toBe('2.38:1');
    expect(message).toBe(
      `config: tenants.0.branding.primaryColor: contrast of #7aa7ff with white is ${ratio}, below the 4.5:1 WCAG AA asks for text (white text on buttons and the header, links on white); choose a darker colour`,
    );
    expect(refusal(() => withBranding({ primaryColor: '#777777' }))).toContain('4.47:1');
  });

  it('accepts a colour that reaches 4.5:1, and refuses what is not a colour', () => {
    expect(withBranding({ primaryColor: '#767676' }).tenants[0]!.branding!.primaryColor).toBe('#767676');
    expect(withBranding({ primaryColor: '#0b5d1e' }).tenants[0]!.branding!.primaryColor).toBe('#0b5d1e');
    expect(refusal(() => withBranding({ primaryColor: 'green' }))).toBe('config: tenants.0.branding.primaryColor: a colour as #rrggbb');
  });

  it('wants at least one way to reach the helpdesk, and checks each', () => {
    expect(refusal(() => withBranding({ support: { hours: 'Mon–Fri 8–18' } }))).toBe('config: tenants.0.branding.support: name at least one of phone, url or email');
    expect(refusal(() => withBranding({ support: { phone: 'call us' } }))).toMatch(/^config: tenants\.0\.branding\.support\.phone: digits/);
    expect(refusal(() => withBranding({ privacyUrl: 'javascript:alert(1)' }))).toMatch(/^config: tenants\.0\.branding\.privacyUrl: /);
    expect(refusal(() => withBranding({ colour: '#000000' }))).toMatch(/^config: tenants\.0\.branding: /);
    const support = withBranding({ support: { phone: '+49 30 1234 5678', email: 'help@corp.example', url: 'https://help.corp.example', hours: 'Mon–Fri 8:00–18:00' } }).tenants[0]!.branding!.support;
    expect(support).toEqual({ phone: '+49 30 1234 5678', email: 'help@corp.example', url: 'https://help.corp.example', hours: 'Mon–Fri 8:00–18:00' });
  });

  it('resolves logo and favicon against the working directory and reads them at start', () => {
    const folder = brandFolder({ 'logo.svg': SAFE_SVG, 'icon.png': PNG_BYTES });
    const branding = withBranding({ logo: 'logo.svg', favicon: 'icon.png' }, folder.dir).tenants[0]!.branding!;
    expect(branding.logo).toBe(folder.path('logo.svg'));
    expect(branding.favicon).toBe(folder.path('icon.png'));
  });

  it('refuses an SVG logo that carries script, naming the key', () => {
    const folder = brandFolder({ 'logo.svg': SCRIPT_SVG });
    expect(refusal(() => withBranding({ logo: 'logo.svg' }, folder.dir))).toBe(
      `config: tenants.0.branding.logo: ${folder.path('logo.svg')} is refused: the SVG contains a <script> element`,
    );
  });

  it('refuses a missing, oversized or wrongly typed file', () => {
    const folder = brandFolder({ 'logo.gif': 'GIF89a....', 'big.png': Buffer.concat([PNG_BYTES, Buffer.alloc(300 * 1024)]), 'icon.ico': Buffer.from([0, 0, 1, 0, 1, 0]) });
    expect(refusal(() => withBranding({ logo: 'nope.png' }, folder.dir))).toBe(`config: tenants.0.branding.logo: cannot read ${folder.path('nope.png')} (ENOENT)`);
    expect(refusal(() => withBranding({ logo: 'big.png' }, folder.dir))).toBe(`config: tenants.0.branding.logo: ${folder.path('big.png')} is larger than 256 KiB`);
    expect(refusal(() => withBranding({ logo: 'logo.gif' }, folder.dir))).toBe(`config: tenants.0.branding.logo: ${folder.path('logo.gif')} is not a PNG, WEBP, SVG file`);
    // An icon file is a favicon, not a logo.
    expect(refusal(() => withBranding({ logo: 'icon.ico' }, folder.dir))).toMatch(/is not a PNG, WEBP, SVG file$/);
    expect(withBranding({ favicon: 'icon.ico' }, folder.dir).tenants[0]!.branding!.favicon).toBe(folder.path('icon.ico'));
    writeFileSync(folder.path('logo.gif'), SAFE_SVG);
    // The type is read from the bytes, not the name.
    expect(withBranding({ logo: 'logo.gif' }, folder.dir).tenants[0]!.branding!.logo).toBe(folder.path('logo.gif'));
  });
});

describe('brand images', () => {
  it('tells the types by their first bytes', () => {
    expect(imageTypeOf(PNG_BYTES)).toBe('image/png');
    expect(imageTypeOf(Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    expect(imageTypeOf(Buffer.from(`<?xml version="1.0"?>\n<!-- logo -->\n${SAFE_SVG}`))).toBe('image/svg+xml');
    expect(imageTypeOf(Buffer.from('<html><svg></svg></html>'))).toBeNull();
  });

  it('refuses whatever in an SVG can script, embed or fetch', () => {
    expect(svgProblem(SAFE_SVG)).toBeNull();
    expect(svgProblem('<svg><rect onload="alert(1)"/></svg>')).toBe('an event handler attribute (on…=)');
    expect(svgProblem('<svg><a href="javascript:alert(1)"><text>x</text></a></svg>')).toBe('a javascript: URL');
    expect(svgProblem('<svg><foreignObject><div>x</div></foreignObject></svg>')).toBe('a <foreignObject> element');
    expect(svgProblem('<svg><image href="https://tracker.example/p.png"/></svg>')).toBe('a reference to another document');
    expect(svgProblem('<!DOCTYPE svg [<!ENTITY x "y">]><svg/>')).toBe('an entity declaration');
  });
});
