/**
 * The options both LDAP adapters share for where a directory is and how its connection is protected: read
 * and refused the same way, each adapter's own error class naming the problem.
 */

/** An adapter's options error: its message names the option. */
type OptionsError = new (message: string) => Error;

/** `url` as a URL, which must be `ldaps://` or `ldap://`. */
export function parseDirectoryUrl(raw: string, OptionsError: OptionsError): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OptionsError(`url is not a URL: ${raw}`);
  }
  if (url.protocol !== 'ldaps:' && url.protocol !== 'ldap:') throw new OptionsError('url must start with ldaps:// or ldap://');
  return url;
}

/**
 * StartTLS, and whether nothing encrypts the connection (`plain`). The service password goes over every
 * connection, so clear text is refused unless asked for by name with `insecure: true`.
 */
export function resolveTransport(url: URL, options: { startTls?: boolean; insecure?: boolean }, OptionsError: OptionsError): { startTls: boolean; plain: boolean } {
  const startTls = options.startTls ?? false;
  if (url.protocol === 'ldaps:' && startTls) throw new OptionsError('startTls is for ldap:// URLs; ldaps:// is TLS already');
  const plain = url.protocol === 'ldap:' && !startTls;
  if (plain && options.insecure !== true) {
    throw new OptionsError('ldap:// without startTls sends passwords in clear text; use ldaps://, startTls: true, or insecure: true for a test server');
  }
  return { startTls, plain };
}
