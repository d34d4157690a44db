import type { LimitDecision, SmsLimitBucket } from './limiter.js';

export type { SmsLimitBucket } from './limiter.js';

/** One text message, ready to hand to a provider. */
export interface SmsMessage {
  /** The destination in E.164 form (`+` then 8–15 digits), already validated by the sender. */
  to: string;
  /** The message body. Holds a code: never log it. */
  text: string;
  /**
   * Stable for every attempt at the same logical message (e.g. the outbox row id); providers that
   * support it use it to drop a duplicate caused by a retry.
   */
  idempotencyKey: string;
}

/**
 * Why a provider did not accept a message, as a fixed set of short strings: safe for logs and metric
 * labels, never the number, the text or the provider's reply text.
 * - `timeout` — no complete answer within the provider's configured time.
 * - `network` — connection refused, DNS, reset, TLS, a redirect (refused on purpose), …
 * - `http_4xx` — the provider answered 4xx for a reason not listed below.
 * - `http_5xx` — the provider answered 5xx.
 * - `rejected` — the provider refused this message (opted-out recipient, destination not permitted,
 *   body refused) or answered success in a shape we cannot read.
 * - `auth` — the provider refused our credentials (or the account they name).
 * - `invalid_number` — the provider says the destination is not a valid (mobile) number.
 */
export type SmsFailureReason = 'timeout' | 'network' | 'http_4xx' | 'http_5xx' | 'rejected' | 'auth' | 'invalid_number';

/**
 * A provider did not accept a message.
 *
 * `transient` means another attempt — on this provider later, or on the next configured provider now —
 * may succeed, so the sender fails over. A permanent failure is about the message or its destination
 * (invalid number, opted out, destination not permitted); another provider must not be tried, both
 * because it cannot help and because failing over around a provider's own fraud controls (such as
 * Twilio's geographic permissions) would undo them.
 * Configuration failures (`auth`, a wrong URL) count as transient: the message is not at fault, and
 * the next provider has its own configuration.
 */
export class SmsDeliveryError extends Error {
  readonly transient: boolean;
  readonly reason: SmsFailureReason;
  /** The HTTP status, when the provider answered. */
  readonly status: number | undefined;
  /** The provider's own error code (e.g. Twilio `21211`), a constant that is safe to log. */
  readonly providerCode: string | undefined;

  constructor(
    reason: SmsFailureReason,
    transient: boolean,
    details: { status?: number | undefined; providerCode?: string | undefined } = {},
  ) {
    // Only safe fields: a provider's reply text can echo the number or the body.
    super(`sms delivery failed: ${reason}${details.status ? ` (${details.status}${details.providerCode ? `/${details.providerCode}` : ''})` : ''}`);
    this.name = 'SmsDeliveryError';
    this.reason = reason;
    this.transient = transient;
    this.status = details.status;
    this.providerCode = details.providerCode;
  }
}

/** Hands text messages to one SMS provider (an HTTP webhook, Twilio, …). */
export interface SmsProvider {
  /** Short, stable, safe for logs and metric labels (e.g. `twilio`, `webhook-backup`). */
  readonly name: string;
  /**
   * Hands the message to the provider. Resolves when the provider accepted it (not when it reached
   * the phone), with the provider's id for the message. Every attempt is bounded in time.
   * Rejects with {@link SmsDeliveryError}; check `transient` to decide whether to fail over.
   */
  send(message: SmsMessage): Promise<{ providerMessageId: string }>;
}

/**
 * Counts SMS sends per key and window. The same shape as the general `Limiter` port (`./limiter.ts`)
 * with the SMS buckets; any limiter whose bucket names include {@link SmsLimitBucket} can serve.
 * Keys never contain secrets.
 */
export interface SmsLimiter {
  consume(bucket: SmsLimitBucket, key: string): Promise<LimitDecision>;
}
