import { describe, expect, it } from 'vitest';
import { describeConnectFailure } from '../../src/adapters/directory/directory-check.js';

/** An error as Node's TLS socket raises it when the certificate does not name the host. */
function altnameError(): Error {
  return Object.assign(new Error("Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
}

describe('describeConnectFailure', () => {
  it('a certificate name mismatch names tlsServerName, the key that fixes it', () => {
    const where = { url: new URL('ldaps://10.0.0.5:636'), connectTimeoutMs: 5000 };
    expect(describeConnectFailure(altnameError(), where)).toBe(
      'TLS certificate not trusted: it is not issued for 10.0.0.5; set tlsServerName to a name the certificate carries, or use that name in url',
    );
    expect(describeConnectFailure(altnameError(), { ...where, tlsServerName: 'dc1.example.com' })).toBe(
      'TLS certificate not trusted: it is not issued for dc1.example.com (tlsServerName); set tlsServerName to a name the certificate carries, or use that name in url',
    );
  });
});
