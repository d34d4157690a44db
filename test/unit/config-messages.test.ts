import { describe, expect, it } from 'vitest';
import { ConfigError, validateConfig } from '../../src/config/load-config.js';

/** The one-line message `validateConfig` throws for `raw`. */
function errorOf(raw: Record<string, unknown>): string {
  try {
    validateConfig(raw, '/nonexistent', {});
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

const ad = (extra: Record<string, unknown> = {}) => ({
  type: 'active_directory',
  url: 'ldaps://dc1.example.com',
  bindDn: 'svc-unlatch@example.com',
  bindPassword: 'service-secret',
  baseDn: 'OU=People,DC=example,DC=com',
  ...extra,
});

describe('configuration messages', () => {
  it('a key left out says "required", not zod\'s "expected string, received undefined"', () => {
    // The docs' AD example once had no tenant name: this is what an administrator saw.
    expect(errorOf({ tenants: [{ id: 'corp', directories: [ad()] }] })).toBe('config: tenants.0.name: required');
    const { baseDn: _baseDn, ...noBase } = ad();
    expect(errorOf({ tenants: [{ id: 'corp', name: 'Corp', directories: [noBase] }] })).toBe('config: tenants.0.directories.0.baseDn: required');
  });

  it('a directory without its type names the types it takes', () => {
    const { type: _type, ...untyped } = ad();
    expect(errorOf({ tenants: [{ id: 'corp', name: 'Corp', directories: [untyped] }] })).toBe(
      'config: tenants.0.directories.0.type: required: one of "builtin", "ldap", "active_directory"',
    );
  });

  it('a value of the wrong kind keeps saying what was expected', () => {
    expect(errorOf({ tenants: [{ id: 'corp', name: 42 }] })).toMatch(/^config: tenants\.0\.name: .*expected string, received number$/);
  });

  it('refuses Active Directory over plain ldap:// at start, even with insecure: true (AD never takes a password without TLS)', () => {
    const message = errorOf({ tenants: [{ id: 'corp', name: 'Corp', directories: [ad({ url: 'ldap://dc1.example.com', insecure: true })] }] });
    expect(message).toBe(
      'config: tenants.0.directories.0.url: Active Directory refuses passwords over a connection without TLS, so every reset and change would fail; use ldaps:// or startTls: true (insecure: true only relaxes the certificate check)',
    );
    // insecure: true still allows what it is for on a test DC: TLS without checking the certificate.
    expect(() => validateConfig({ tenants: [{ id: 'corp', name: 'Corp', directories: [ad({ insecure: true, rejectUnauthorized: false })] }] }, '/nonexistent', {})).not.toThrow();
    expect(() => validateConfig({ tenants: [{ id: 'corp', name: 'Corp', directories: [ad({ url: 'ldap://dc1.example.com', startTls: true, insecure: true })] }] }, '/nonexistent', {})).not.toThrow();
  });
});
