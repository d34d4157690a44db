import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { connect, type TLSSocket } from 'node:tls';
import type { SyslogSinkConfig } from '../../config/audit-sinks-schema.js';
import { exportedEntryOf } from '../../core/audit/sink-event.js';
import { formatSyslog, octetCountingFrame, type SyslogOrigin } from '../../core/audit/sink-syslog.js';
import type { AuditExportSink } from './jsonl-file-sink.js';

/**
 * Sends each entry as one RFC 5424 message. Over TLS (RFC 5425) one connection is kept open and reopened
 * after any error; a write resolves once the frame is handed to the connection. Over UDP (RFC 5426) a send
 * cannot be confirmed: use it only where losing a datagram is acceptable.
 */
export class SyslogSink implements AuditExportSink {
  private tls: Promise<TLSSocket> | null = null;
  private udp: UdpSocket | null = null;
  private readonly origin: SyslogOrigin;
  private readonly ca: Buffer | undefined;

  constructor(private readonly config: SyslogSinkConfig) {
    this.origin = { facility: config.facility, hostname: hostname(), appName: config.appName, procId: String(process.pid) };
    this.ca = config.caFile ? readFileSync(config.caFile) : undefined;
  }

  async write(entry: Record<string, unknown>): Promise<void> {
    const message = formatSyslog(exportedEntryOf(entry), this.origin);
    if (this.config.transport === 'udp') return this.sendUdp(message);
    const socket = await this.connection();
    await new Promise<void>((resolve, reject) => {
      socket.write(octetCountingFrame(message), 'utf8', (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Closes the connection (server shutdown, tests). */
  async close(): Promise<void> {
    const pending = this.tls;
    this.tls = null;
    if (pending) (await pending.catch(() => null))?.end();
    this.udp?.close();
    this.udp = null;
  }

  private sendUdp(message: string): Promise<void> {
    this.udp ??= createSocket(this.config.host.includes(':') ? 'udp6' : 'udp4').unref();
    const udp = this.udp;
    return new Promise((resolve, reject) => {
      udp.send(Buffer.from(message, 'utf8'), this.config.port ?? 514, this.config.host, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** The open TLS connection, or a new one; a failed or closed one is forgotten so the next write reconnects. */
  private connection(): Promise<TLSSocket> {
    this.tls ??= new Promise<TLSSocket>((resolve, reject) => {
      const { host, port, serverName, timeoutMs } = this.config;
      const socket = connect({ host, port: port ?? 6514, servername: serverName ?? host, ca: this.ca, minVersion: 'TLSv1.2' });
      const forget = () => {
        if (this.tls === attempt) this.tls = null;
      };
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error('syslog connection timed out')));
      socket.once('secureConnect', () => {
        socket.setTimeout(0);
        socket.unref();
        resolve(socket);
      });
      socket.on('error', (error) => {
        forget();
        reject(error);
      });
      socket.on('close', forget);
      // The collector never sends anything; reading keeps a half-closed connection noticed.
      socket.resume();
    });
    const attempt = this.tls;
    return attempt;
  }
}
