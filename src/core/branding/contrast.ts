/**
 * Colour contrast as WCAG 2.2 defines it (success criterion 1.4.3, "contrast (minimum)"): the ratio of the
 * relative luminances of two sRGB colours, from 1:1 to 21:1. Pure arithmetic, used at start-up to refuse a
 * brand colour that people could not read.
 */

/** WCAG AA for normal-size text. */
export const WCAG_AA_TEXT = 4.5;

/** An sRGB colour, each channel 0–255. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export const WHITE: Rgb = { r: 255, g: 255, b: 255 };

/** `#rrggbb` (or `#rgb`) to its channels; null for anything else. */
export function parseHexColour(value: string): Rgb | null {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return { r: parseInt(short[1]! + short[1]!, 16), g: parseInt(short[2]! + short[2]!, 16), b: parseInt(short[3]! + short[3]!, 16) };
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(value);
  if (!long) return null;
  return { r: parseInt(long[1]!, 16), g: parseInt(long[2]!, 16), b: parseInt(long[3]!, 16) };
}

/** `#rrggbb`, lowercase. */
export function toHex(colour: Rgb): string {
  return `#${[colour.r, colour.g, colour.b].map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance (WCAG 2.2, "relative luminance"), 0 for black to 1 for white. */
export function relativeLuminance(colour: Rgb): number {
  const linear = (channel: number): number => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b);
}

/** The contrast ratio of two colours, whichever is lighter: 1 (none) to 21 (black on white). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** A ratio as people read it: rounded down to two decimals (4.499 is not 4.5), e.g. `3.67:1`. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/**
 * The colour mixed with black by `amount` (0–1): the hover and focus shade of a brand colour. Darker only ever
 * raises the contrast with white, so a colour that passed keeps passing in that state.
 */
export function darken(colour: Rgb, amount: number): Rgb {
  const keep = 1 - Math.min(1, Math.max(0, amount));
  return { r: colour.r * keep, g: colour.g * keep, b: colour.b * keep };
}
