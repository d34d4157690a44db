import { loadOnce } from '../load-once.js';

/** The QR encoder (with its PNG code, ~1 MB of heap) is loaded by the first authenticator-app registration. */
// A CommonJS package: what `import()` gives is its exports as `default`.
const qrEncoder = loadOnce(async () => ((await import('qrcode')) as unknown as { default: typeof import('qrcode') }).default);

/**
 * Renders `text` (an `otpauth://` URI) as an inline SVG QR code, in process. The URI carries the TOTP
 * seed, so it is never sent to a remote QR service; the SVG is made only of `<path>` elements
 * (the text is encoded in the modules, never written into the markup), so it is safe to embed in a page.
 * Error correction M and a two-module quiet zone: what phone cameras read reliably from a screen.
 */
export async function qrSvg(text: string): Promise<string> {
  const QRCode = await qrEncoder();
  const svg = (await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).trim();
  // A guard on the one property callers rely on when they embed the markup unescaped.
  if (!svg.startsWith('<svg') || /<script/i.test(svg)) throw new Error('QR renderer returned unexpected markup');
  return svg;
}
