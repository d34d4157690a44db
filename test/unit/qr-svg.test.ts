import { describe, expect, it } from 'vitest';
import { qrSvg } from '../../src/adapters/qr/qr-svg.js';
import { newTotpSecret, totpUri } from '../../src/core/methods/totp/totp.js';

describe('qrSvg', () => {
  it('renders an otpauth URI as inline SVG without the secret in the markup', async () => {
    const secret = newTotpSecret();
    const svg = await qrSvg(totpUri({ secret, accountName: 'jane@example.com', issuer: 'Example' }));
    expect(svg.startsWith('<svg') || svg.startsWith('<?xml')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('viewBox');
    expect(svg).not.toMatch(/<script/i);
    expect(svg).not.toContain(secret);
    expect(svg).not.toContain('otpauth');
  });

  it('never writes the text into the markup, even text that looks like HTML', async () => {
    const svg = await qrSvg('<script>alert(1)</script><foreignObject onload="x()">');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/<script|foreignObject|onload|alert/i);
  });

  it('is deterministic for the same text', async () => {
    expect(await qrSvg('otpauth://totp/A:b?secret=AAAA')).toBe(await qrSvg('otpauth://totp/A:b?secret=AAAA'));
  });
});
