import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { NodemailerError, SMTPPoolOptions, SMTPPoolSentMessageInfo, Transporter } from 'nodemailer';
import { MailDeliveryError, type MailFailureReason, type Mailer, type MailMessage } from '../../core/ports/mailer.js';

/** How to reach the SMTP relay. */
export interface SmtpConfig {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (usually port 465). */
  secure: boolean;
  /** Refuse to send unless STARTTLS succeeds (usually port 587); no fallback to plaintext. */
  requireTLS: boolean;
  auth?: { user: string; pass: string };
  /** The From header, e.g. `"Unlatch" <noreply@example.com>`; its domain also names our Message-IDs. */
  from: string;
  /** Bound on connecting and on the server's greeting, in ms (default 10 000). */
  connectionTimeoutMs?: number;
  tls?: { rejectUnauthorized?: boolean; ca?: string };
}

const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
// nodemailer waits 10 minutes on a silent socket; a stalled relay must not hold an outbox claim that long.
const SOCKET_TIMEOUT_MS = 60_000;

/** Mailer over SMTP with a small connection pool. Call `close()` on shutdown. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;
  private readonly from: string;
  private readonly messageIdDomain: string;

  constructor(config: SmtpConfig) {
    const timeout = config.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS;
    this.from = config.from;
    this.messageIdDomain = domainOf(config.from);
    this.transport = nodemailer.createTransport({
      pool: true,
      maxConnections: 2,
      // The outbox owns retries and their backoff; one requeue only covers a pooled connection that died under us.
      maxRequeues: 1,
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTLS,
      auth: config.auth ? { user: config.auth.user, pass: config.auth.pass } : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: Math.max(SOCKET_TIMEOUT_MS, timeout),
      tls: { minVersion: 'TLSv1.2', rejectUnauthorized: config.tls?.rejectUnauthorized ?? true, ca: config.tls?.ca },
      // Our bodies are strings; never let a message make the process read a file or fetch a URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      logger: false,
    });
  }

  async send(message: MailMessage): Promise<void> {
    let info: SMTPPoolSentMessageInfo;
    try {
      info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: messageIdFor(message.idempotencyKey, this.messageIdDomain),
        ...(message.attachments ? { attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })) } : {}),
        headers: {
          // RFC 3834: keeps vacation responders and auto-forwarders from answering a robot.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
        },
      });
    } catch (error) {
      throw toMailDeliveryError(error);
    }
    // With several recipients nodemailer resolves when only some were refused; for us that is a failure.
    if (info.rejected.length > 0) {
      const first = info.rejectedErrors?.[0];
      throw first ? toMailDeliveryError(first) : new MailDeliveryError('smtp_5xx', false);
    }
  }

  /** Readiness: connects (and authenticates, when configured) without sending; rejects with MailDeliveryError. */
  async verify(): Promise<void> {
    try {
      await this.transport.verify();
    } catch (error) {
      throw toMailDeliveryError(error);
    }
  }

  /** Closes idle pooled connections; a delivery in flight finishes first. */
  close(): void {
    this.transport.close();
  }
}

/**
 * A deterministic Message-ID: every attempt at one logical message carries the same id, so a relay
 * or mailbox can spot a duplicate. Hashing keeps the id valid syntax whatever the key contains and
 * does not expose internal ids.
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey, 'utf8').digest('hex').slice(0, 40);
  return `<${digest}.unlatch@${domain}>`;
}

function domainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  if (!match?.[1]) throw new Error('smtp.from must end with an address such as noreply@example.com');
  return match[1].toLowerCase();
}

// Node/OpenSSL codes for a failed handshake or certificate check.
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|EPROTO$)/;
const AUTH_REPLY_CODES = new Set([454, 530, 534, 535, 538]);
const NETWORK_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps a nodemailer error (fields `code`, `originalCode`, `responseCode`) to a MailDeliveryError. */
export function toMailDeliveryError(error: unknown): MailDeliveryError {
  if (error instanceof MailDeliveryError) return error;
  const err = (typeof error === 'object' && error !== null ? error : {}) as NodemailerError;
  const code = typeof err.code === 'string' ? err.code : undefined;
  const originalCode = typeof err.originalCode === 'string' ? err.originalCode : undefined;
  const responseCode = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const make = (reason: MailFailureReason, transient: boolean) =>
    new MailDeliveryError(reason, transient, { responseCode, code: originalCode ?? code });

  if (code === 'EAUTH' || code === 'ENOAUTH') return make('auth', true);
  // RFC 4954 replies such as 530 "authentication required" to MAIL FROM fault our setup, not the message.
  if (responseCode !== undefined && AUTH_REPLY_CODES.has(responseCode)) return make('auth', true);
  if (code === 'ETLS' || (originalCode && TLS_CODE.test(originalCode))) return make('tls', true);
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) return make('smtp_4xx', true);
  // 503 "bad sequence of commands" is about the session, not the message: a new connection can succeed.
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) return make('smtp_5xx', responseCode === 503);
  if (code === 'ETIMEDOUT' || originalCode === 'ETIMEDOUT') return make('timeout', true);
  if (originalCode === 'ECONNREFUSED' || code === 'ECONNREFUSED') return make('connection_refused', true);
  if ((code && NETWORK_CODES.has(code)) || (originalCode && NETWORK_CODES.has(originalCode))) return make('network', true);
  // Refused locally, before any server saw it (bad address, empty message): retrying cannot help.
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return make('invalid_message', false);
  return make('unknown', true);
}
