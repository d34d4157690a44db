import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { ResolvedAdOptions } from './ad-options.js';

type ConnectionSettings = Pick<
  ResolvedAdOptions,
  | 'url'
  | 'startTls'
  | 'plain'
  | 'tlsCa'
  | 'rejectUnauthorized'
  | 'tlsServerName'
  | 'bindDn'
  | 'bindPassword'
  | 'connectTimeoutMs'
  | 'operationTimeoutMs'
>;

/** A person's password was about to go over a connection nothing encrypts; nothing was sent. */
export class PlainConnectionError extends Error {
  constructor() {
    super('refusing to send a password over an unencrypted LDAP connection (insecure: true without TLS)');
    this.name = 'PlainConnectionError';
  }
}

/** A bind with an empty password was refused before it reached the DC. */
export class EmptyPasswordError extends Error {
  constructor() {
    super('empty password');
    this.name = 'EmptyPasswordError';
  }
}

/**
 * Opens connections to one domain controller: TLS first (ldaps:// or StartTLS), then a bind.
 *
 * Every operation gets its own short-lived connection: no idle connection to lose to a DC restart or a
 * firewall timeout, and a connection bound as a person is never reused as the service account. A reset is
 * rare enough that one TCP + TLS handshake per operation costs nothing that matters.
 */
export class AdConnector {
  constructor(private readonly settings: ConnectionSettings) {}

  /** True when TLS protects every connection, so a password may be sent. */
  get encrypted(): boolean {
    return !this.settings.plain;
  }

  /** A new connection with TLS in place (unless configured `insecure` without it), not bound yet. */
  async connect(): Promise<Client> {
    const { url, startTls, connectTimeoutMs, operationTimeoutMs } = this.settings;
    const client = new Client({
      url: `${url.protocol}//${url.host}`,
      connectTimeout: connectTimeoutMs,
      timeout: operationTimeoutMs,
      // Only for ldaps://: ldapts opens a TLS socket whenever tlsOptions is non-empty, even for ldap://,
      // which would make StartTLS (and a plain test connection) a TLS handshake with a plain port.
      ...(url.protocol === 'ldaps:' ? { tlsOptions: this.tlsOptions() } : {}),
    });
    if (startTls) {
      try {
        // ldapts times the StartTLS request but not the handshake after it: bound the whole upgrade here.
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
   * Binds as `dn` with a person's `password` on a fresh connection, runs `work` (if any) and closes it.
   * Throws ldapts' InvalidCredentialsError (result 49, AD's `data` code in its message) when AD refuses.
   */
  async asPerson<T>(dn: string, password: string, work: (client: Client) => Promise<T>): Promise<T> {
    // RFC 4513 5.1.2: a simple bind with an empty password is an *unauthenticated* bind, which AD answers
    // with success. It must never count as knowing the password.
    if (password.length === 0) throw new EmptyPasswordError();
    if (this.settings.plain) throw new PlainConnectionError();
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
    const servername = this.settings.tlsServerName ?? (isIP(host) === 0 ? host : undefined);
    return {
      // The certificate is checked against `tlsCa` when given, else against the system's CAs.
      ...(this.settings.tlsCa ? { ca: this.settings.tlsCa } : {}),
      rejectUnauthorized: this.settings.rejectUnauthorized,
      minVersion: 'TLSv1.2',
      host,
      // Node checks the certificate against `servername` when set; SNI takes host names only, so for an IP
      // address without tlsServerName the certificate must carry that IP as a subjectAltName.
      ...(servername !== undefined ? { servername } : {}),
    };
  }
}

/** Unbinds and drops the connection; one that is already broken is simply gone. */
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
