/** One rendered email, ready to hand to the next hop. */
export interface MailMessage {
  /** A single recipient address. */
  to: string;
  subject: string;
  /** Plain-text body; every message has one (screen readers, text-only clients, spam scoring). */
  text: string;
  /** HTML body; every interpolated value already escaped by the template. */
  html: string;
  /**
   * Stable for every attempt at the same logical message (e.g. the outbox row id).
   * Adapters derive the Message-ID from it so a retried send is recognisable downstream.
   */
  idempotencyKey: string;
  /** Files sent with the message (a scheduled report's CSV); text content only. */
  attachments?: MailAttachment[];
}

/** A file attached to a message. Its content is text (UTF-8), never a path or URL for the mailer to read. */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * Why a delivery failed, as a fixed set of short strings: safe for logs and metric labels,
 * never the address, the server's reply text or message content.
 * - `connection_refused` — nothing listens on the configured host/port.
 * - `timeout` — connecting, the greeting or a command took too long.
 * - `network` — any other network failure (DNS, reset, unexpected close).
 * - `smtp_4xx` — the server answered with a temporary failure.
 * - `smtp_5xx` — the server answered with a permanent failure (e.g. 550 no such mailbox).
 * - `tls` — TLS handshake, certificate or required STARTTLS failed.
 * - `auth` — the server refused our credentials, or required some we do not have.
 * - `invalid_message` — rejected before it left (e.g. an address that does not parse).
 * - `unknown` — anything else.
 */
export type MailFailureReason =
  | 'connection_refused'
  | 'timeout'
  | 'network'
  | 'smtp_4xx'
  | 'smtp_5xx'
  | 'tls'
  | 'auth'
  | 'invalid_message'
  | 'unknown';

/**
 * A message was not accepted by the next hop.
 *
 * `transient` means the same message may go through on a later attempt, so the outbox retries it;
 * a permanent failure (a 5xx reply about the message or its recipient) is not retried.
 * Configuration failures (`auth`, `tls`) count as transient: the message is not at fault, and it
 * should go out once an operator fixes the setup rather than be dropped.
 */
export class MailDeliveryError extends Error {
  readonly transient: boolean;
  readonly reason: MailFailureReason;
  /** The SMTP reply code, when the server answered with one. */
  readonly responseCode: number | undefined;
  /** The underlying library or system error code (e.g. `ECONNREFUSED`, `EENVELOPE`); a constant, safe to log. */
  readonly code: string | undefined;

  constructor(
    reason: MailFailureReason,
    transient: boolean,
    details: { responseCode?: number | undefined; code?: string | undefined } = {},
  ) {
    // The message holds only safe fields: the server's reply text can echo the recipient address.
    super(`mail delivery failed: ${reason}${details.responseCode ? ` (${details.responseCode})` : ''}`);
    this.name = 'MailDeliveryError';
    this.reason = reason;
    this.transient = transient;
    this.responseCode = details.responseCode;
    this.code = details.code;
  }
}

/** Sends one message through whatever carries mail (SMTP, an API, …). */
export interface Mailer {
  /**
   * Hands the message to the next hop.
   * Resolves when the next hop accepted the message (not when it reached the inbox).
   * Rejects with {@link MailDeliveryError}; check `transient` to decide whether to retry.
   */
  send(message: MailMessage): Promise<void>;
}
