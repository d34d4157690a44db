import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';

/** Where a directory is, how its connections are protected, and the service account: both adapters' resolved options fit. */
export interface ConnectionSettings {
  url: URL;
  startTls: boolean;
  tlsCa: string | undefined;
  /** Check the server's certificate. Absent (OpenLDAP): left to Node, which checks it. */
  rejectUnauthorized?: boolean;
  /** The host name the certificate must carry. Absent: the host of `url` (none for an IP address). */
  tlsServerName?: string | undefined;
  bindDn: string;
  bindPassword: string;
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

/** What a connector does when a person's password would go over a connection nothing encrypts. */
export interface PlainConnectionPolicy {
  /**
   * `refuse`: throw PlainConnectionError before anything is sent (Active Directory: `insecure` allows lookups
   * only). `send`: bind anyway (OpenLDAP: `insecure` means passwords in clear text, for a loopback test server).
   */
  personBinds: 'refuse' | 'send';
}

/** A person's password was about to go over a connection nothing encrypts; nothing was sent. */
export class PlainConnectionError extends Error {
  constructor() {
    super('refusing to send a password over an unencrypted LDAP connection (insecure: true without TLS)');
    this.name = 'PlainConnectionError';
  }
}

/** A bind with an empty password was refused before it reached the server. */
export class EmptyPasswordError extends Error {
  constructor() {
    super('empty password');
    this.name = 'EmptyPasswordError';
  }
}

/**
 * Opens connections to one LDAP server or domain controller: TLS first (ldaps:// or StartTLS), then a bind.
 *
 * Every operation gets its own short-lived connection. A long-lived service connection would have to
 * survive idle timeouts, firewalls and server restarts, and ldapts cannot replay a bind on a StartTLS
 * session; a reset is rare enough that a fresh TCP + TLS handshake costs nothing that matters. A person's
 * bind always gets its own connection too, so a connection bound as a person is never used as the service.
 */
export class LdapConnector {
  constructor(
    private readonly settings: ConnectionSettings,
    private readonly plain: PlainConnectionPolicy,
  ) {}

  /** True when TLS protects every connection, so a password may be sent. */
  get encrypted(): boolean {
    return this.settings.url.protocol === 'ldaps:' || this.settings.startTls;
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

  /** A new connection bound as the service account; the caller closes it (see `close`). */
  async serviceConnection(): Promise<Client> {
    const client = await this.connect();
    try {
      await client.bind(this.settings.bindDn, this.settings.bindPassword);
    } catch (error) {
      await close(client);
      throw error;
    }
    return client;
  }

  /** Runs `work` on a connection bound as the service account, and closes it afterwards. */
  async asService<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.serviceConnection();
    try {
      return await work(client);
    } finally {
      await close(client);
    }
  }

  /**
   * Binds as `dn` with a person's `password` on a fresh connection, runs `work` on it and closes it.
   * Throws ldapts' InvalidCredentialsError when the server refuses (AD puts its `data` code in the message).
   */
  async asPerson<T>(dn: string, password: string, work: (client: Client) => Promise<T>): Promise<T> {
    // RFC 4513 5.1.2: a simple bind with an empty password is an *unauthenticated* bind, which AD and some
    // other servers answer with success. It must never count as knowing the password.
    if (password.length === 0) throw new EmptyPasswordError();
    if (this.plain.personBinds === 'refuse' && !this.encrypted) throw new PlainConnectionError();
    const client = await this.connect();
    try {
      await client.bind(dn, password);
      return await work(client);
    } finally {
      await close(client);
    }
  }

  private tlsOptions(): ConnectionOptions {
    const { url, tlsCa, rejectUnauthorized, tlsServerName } = this.settings;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const servername = tlsServerName ?? (isIP(host) === 0 ? host : undefined);
    return {
      // The certificate is checked against `tlsCa` when given, else against the system's CAs.
      ...(tlsCa ? { ca: tlsCa } : {}),
      ...(rejectUnauthorized !== undefined ? { rejectUnauthorized } : {}),
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
