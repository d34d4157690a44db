import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect, createServer as createTlsServer } from 'node:tls';

/**
 * A proxy between a directory adapter and a real LDAP server (slapd, Samba), for tests that must see what
 * the adapter really sends: each request is framed from the byte stream (BER), recorded, and optionally
 * held back until a hook has run, then forwarded unchanged. Replies are passed through untouched.
 *
 * Plain `ldap://` is read as it is. For `ldaps://` the tap terminates TLS with a certificate the adapter
 * trusts (for Samba: the DC's own certificate and key) and speaks TLS to the server again. StartTLS is not
 * supported (the tap would see the TLS handshake as requests).
 */

/** LDAP protocolOp tags (RFC 4511), as the first byte after the message id. */
export const LDAP_OP = {
  bind: 0x60,
  unbind: 0x42,
  search: 0x63,
  modify: 0x66,
  extended: 0x77,
} as const;

/** One request as the adapter sent it. */
export interface TappedRequest {
  /** Which connection through the tap carried it (1, 2, …, in the order they were opened). */
  connection: number;
  /** The protocolOp tag (see LDAP_OP). */
  op: number;
  /** The whole LDAPMessage as it went over the wire (after TLS, for `ldaps://`). */
  bytes: Buffer;
}

export interface LdapTapOptions {
  /** The real server. */
  target: { host: string; port: number };
  /** TLS on both sides: `cert`/`key` shown to the adapter; the server is checked against `ca` for `servername`. */
  tls?: { cert: string; key: string; ca: string; servername: string };
  /** Awaited before a request is forwarded: the server gets it only after this (to arrange a race, say). */
  beforeForward?(request: TappedRequest): Promise<void> | void;
}

export interface LdapTap {
  /** `ldap://127.0.0.1:<port>` or `ldaps://…`: point the adapter here. */
  url: string;
  /** Every request seen so far, in order. */
  readonly requests: TappedRequest[];
  /** How many connections the adapter opened through the tap. */
  readonly connections: number;
  /** When each connection was opened (`performance.now()`), in order. */
  readonly openedAt: number[];
  /** Requests whose bytes contain `text` (an OID, a DN, …: LDAP strings travel as they are). */
  containing(text: string, op?: number): TappedRequest[];
  /** Forgets what was seen (connection numbers go on counting). */
  clear(): void;
  /** Replaces the hook (undefined: none). */
  setBeforeForward(hook: LdapTapOptions['beforeForward']): void;
  close(): Promise<void>;
}

export async function startLdapTap(options: LdapTapOptions): Promise<LdapTap> {
  const requests: TappedRequest[] = [];
  const openedAt: number[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let hook = options.beforeForward;

  const handle = (client: Socket) => {
    const connection = ++connections;
    openedAt.push(performance.now());
    const { host, port } = options.target;
    const upstream: Socket = options.tls
      ? tlsConnect({ host, port, ca: options.tls.ca, servername: options.tls.servername, minVersion: 'TLSv1.2' })
      : connect(port, host);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
    upstream.on('close', drop);
    upstream.pipe(client);

    let pending = Buffer.alloc(0);
    // One request after another, in order, each after its hook.
    let forwarding: Promise<void> = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (let message = takeMessage(pending); message; message = takeMessage(pending)) {
        pending = pending.subarray(message.length);
        const request: TappedRequest = { connection, op: opOf(message), bytes: message };
        forwarding = forwarding.then(async () => {
          requests.push(request);
          await hook?.(request);
          if (!upstream.destroyed) upstream.write(request.bytes);
        });
      }
    });
    client.on('end', () => void forwarding.then(() => upstream.end()));
  };

  const server: Server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    openedAt,
    containing: (text, op) => requests.filter((r) => (op === undefined || r.op === op) && r.bytes.includes(Buffer.from(text, 'utf8'))),
    clear: () => {
      requests.length = 0;
      openedAt.length = 0;
    },
    setBeforeForward: (next) => {
      hook = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The first complete BER element (an LDAPMessage) at the start of `buffer`, or null when it has not all arrived. */
function takeMessage(buffer: Buffer): Buffer | null {
  if (buffer.length < 2) return null;
  if (buffer[0] !== 0x30) throw new Error(`ldap tap: expected an LDAPMessage (0x30), got 0x${buffer[0]!.toString(16)}`);
  const first = buffer[1]!;
  let header = 2;
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (buffer.length < 2 + octets) return null;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + buffer[2 + i]!;
    header += octets;
  }
  return buffer.length < header + length ? null : buffer.subarray(0, header + length);
}

/** The protocolOp tag: after the SEQUENCE header and the messageID INTEGER. */
function opOf(message: Buffer): number {
  const first = message[1]!;
  const header = 2 + (first & 0x80 ? first & 0x7f : 0);
  if (message[header] !== 0x02) throw new Error('ldap tap: expected a messageID');
  const idLength = message[header + 1]!;
  return message[header + 2 + idLength]!;
}
