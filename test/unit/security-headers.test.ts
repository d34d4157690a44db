import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/http/security-headers.js';

describe('security headers', () => {
  it('forbid inline script and style, framing, and foreign form targets', () => {
    const csp = securityHeaders({ tls: false })['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(securityHeaders({ tls: false })['x-frame-options']).toBe('DENY');
  });

  it('add HSTS and upgrade-insecure-requests only when served over TLS', () => {
    expect(securityHeaders({ tls: false })['strict-transport-security']).toBeUndefined();
    expect(securityHeaders({ tls: false })['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(securityHeaders({ tls: true })['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(securityHeaders({ tls: true })['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});
