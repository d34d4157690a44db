import { ConfidentialityRequiredError, InvalidCredentialsError, InsufficientAccessError, NoSuchAttributeError, NoSuchObjectError, ResultCodeError } from 'ldapts';

/**
 * What `unlatch directory check` finds out about one directory, in plain words: one line per thing Unlatch
 * needs to be able to do there. The checks only read, or ask for writes the server must refuse (see
 * `probeWrite`); none changes an entry.
 */

const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * Why a connection or the service account's bind failed, as a person would say it. `bindRefused` words the
 * directory's own refusal of the bind (result 49), which AD and OpenLDAP explain differently.
 */
export function describeConnectFailure(error: unknown, where: { url: URL; connectTimeoutMs: number; tlsServerName?: string | undefined }, bindRefused?: string): string {
  const hostPort = `${where.url.hostname}:${where.url.port || (where.url.protocol === 'ldaps:' ? '636' : '389')}`;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidCredentialsError) return bindRefused ?? 'wrong service password (or bindDn): the server refused the bind';
  if (error instanceof ConfidentialityRequiredError) return 'the server requires TLS: use ldaps:// or startTls: true';
  if (typeof code === 'string') {
    if (UNTRUSTED_CERTIFICATE.has(code)) return `TLS certificate not trusted (${code}): set tlsCa or tlsCaFile to the CA that signed the server's certificate`;
    if (code === 'CERT_HAS_EXPIRED') return "TLS certificate not trusted: the server's certificate has expired";
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return nameMismatch(where);
    if (code === 'ECONNREFUSED') return `server unreachable: nothing accepts connections at ${hostPort}`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `server unreachable: the host name ${where.url.hostname} was not found`;
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return `server unreachable: no route to ${hostPort}`;
    if (code === 'ETIMEDOUT') return `server unreachable: no answer from ${hostPort} within ${where.connectTimeoutMs} ms`;
    if (code === 'ECONNRESET') return `the connection to ${hostPort} was closed during the handshake (ldaps:// on a plain LDAP port, or the reverse?)`;
  }
  if (/timed? ?out|Connection closed before message response/i.test(message)) return `server unreachable: no answer from ${hostPort} within ${where.connectTimeoutMs} ms`;
  if (error instanceof ResultCodeError) return `the server refused the bind (LDAP result ${error.code}${message ? `: ${oneLine(message)}` : ''})`;
  return oneLine(message);
}

/**
 * The certificate does not name the host: the fix is `tlsServerName` (a name the certificate carries, while
 * `url` keeps the address that reaches the server: an IP, a load balancer alias), or that name in `url`.
 */
function nameMismatch(where: { url: URL; tlsServerName?: string | undefined }): string {
  const checked = where.tlsServerName !== undefined ? `${where.tlsServerName} (tlsServerName)` : where.url.hostname.replace(/^\[|\]$/g, '');
  return `TLS certificate not trusted: it is not issued for ${checked}; set tlsServerName to a name the certificate carries, or use that name in url`;
}

/** How an LDAP answer to a harmless probe reads. */
export type ProbeAnswer = 'allowed' | 'denied' | 'invisible' | 'other';

/**
 * Whether the bound account may write `attribute` of `dn`, found out without changing anything: it asks to
 * delete a value the entry cannot hold (random, or a timestamp in 1970). The server checks the access
 * rules first (no write access: `insufficientAccessRights`), then finds the value missing
 * (`noSuchAttribute`) and refuses the whole modify. A server that answers success removed nothing either.
 */
export async function probeWrite(modify: () => Promise<void>): Promise<{ answer: ProbeAnswer; error?: unknown }> {
  return answerTo(modify);
}

/**
 * Whether the bound account may read `attribute` of an entry that has no value for it: an LDAP compare,
 * checked against the access rules before the server looks for the value.
 */
export async function probeRead(compare: () => Promise<boolean>): Promise<{ answer: ProbeAnswer; error?: unknown }> {
  return answerTo(compare);
}

/** Success, or the refusal, of a probe: both mean the same to `probeWrite` and `probeRead`. */
async function answerTo(probe: () => Promise<unknown>): Promise<{ answer: ProbeAnswer; error?: unknown }> {
  try {
    await probe();
    return { answer: 'allowed' };
  } catch (error) {
    return { answer: answerOf(error), error };
  }
}

function answerOf(error: unknown): ProbeAnswer {
  if (error instanceof NoSuchAttributeError) return 'allowed';
  if (error instanceof InsufficientAccessError) return 'denied';
  if (error instanceof NoSuchObjectError) return 'invisible';
  return 'other';
}

/** An error's message on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** `ldap://host:389 (StartTLS)` — where a directory is, and how the connection is protected. */
export function describeEndpoint(url: URL, startTls: boolean): string {
  const protection = url.protocol === 'ldaps:' ? 'TLS' : startTls ? 'StartTLS' : 'no TLS: passwords in clear text';
  return `${url.protocol}//${url.host} (${protection})`;
}
