import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { ResolvedLdapOptions } from './ldap-options.js';

type ConnectionSettings = Pick<
  ResolvedLdapOptions,
  'url' | 'startTls' | 'tlsCa' | 'bindDn' | 'bindPassword' | 'connectTimeoutMs' | 'operationTimeoutMs'
>;

/**
 * Opens connections to one LDAP server: TLS first (ldaps:// or StartTLS), then a bind.
 *
 * Every operation gets its own short-lived connection. A long-lived service connection would have to
 * survive idle timeouts and server restarts, and ldapts cannot replay a bind on a StartTLS session; a
 * reset is rare enough that a fresh TCP + TLS handshake costs nothing that matters. A person's bind
 * always gets its own connection too, so a connection bound as a person is never used as the service.
 */
export class LdapConnector {
  constructor(private readonly settings: ConnectionSettings) {}

  /** A new connection with TLS in place (unless `insecure`), not bound yet. */
  async connect(): Promise<Client> {
    const { url, startTls, connectTimeoutMs, operationTimeoutMs } = this.settings;
    const client = new Client({
      url: `${url.protocol}//${url.host}`,
      connectTimeout: connectTimeoutMs,
      timeout: operationTimeoutMs,
      // ldapts takes any TLS option as "connect with TLS": give them for ldaps:// only, StartTLS gets its own.
      ...(url.protocol === 'ldaps:' ? { tlsOptions: this.tlsOptions() } : {}),
    });
    if (startTls) {
      try {
        // The handshake after the StartTLS answer has no timer of its own in ldapts: bound it here.
        await withDeadline(client.startTLS(this.tlsOptions()), connectTimeoutMs + operationTimeoutMs, 'StartTLS timed out');
      } catch (error) {
        await close(client);
        throw error;
      }
    }
    return client;
  }

  /** Runs `work` on a connection bound as the service account, and closes it afterwards. */
  async asService<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.connect();
    try {
      await client.bind(this.settings.bindDn, this.settings.bindPassword);
      return await work(client);
    } finally {
      await close(client);
    }
  }

  /**
   * Binds as `dn` with `password` on a fresh connection; then runs `work` on it (if given) and closes it.
   * Throws ldapts' InvalidCredentialsError for a wrong password.
   */
  async asUser<T>(dn: string, password: string, work: (client: Client) => Promise<T>): Promise<T> {
    // RFC 4513 5.1.2: a simple bind with an empty password is an *unauthenticated* bind, which some servers
    // answer with success. It must never count as knowing the password.
    if (password.length === 0) throw new EmptyPasswordError();
    const client = await this.connect();
    try {
      await client.bind(dn, password);
      return await work(client);
    } finally {
      await close(client);
    }
  }

  private tlsOptions(): ConnectionOptions {
    const host = this.settings.url.hostname.replace(/^\[|\]$/g, '');
    return {
      // The certificate is always checked: against `tlsCa` when given, else against the system's CAs.
      ...(this.settings.tlsCa ? { ca: this.settings.tlsCa } : {}),
      minVersion: 'TLSv1.2',
      host,
      // SNI takes host names only; for an IP address the certificate is matched against its IP SANs.
      ...(isIP(host) === 0 ? { servername: host } : {}),
    };
  }
}

/** A bind with an empty password was refused before it reached the server. */
export class EmptyPasswordError extends Error {
  constructor() {
    super('empty password');
    this.name = 'EmptyPasswordError';
  }
}

/** Unbinds and drops the connection; a connection that is already broken is simply gone. */
export async function close(client: Client): Promise<void> {
  await client.unbind().catch(() => undefined);
}

function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
