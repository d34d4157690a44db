import { createHash } from 'node:crypto';
import { SmsDeliveryError, type SmsMessage, type SmsProvider } from '../../core/ports/sms.js';
import { errorForStatus, plausibleMessageId, postWithDeadline, stringField } from './http-request.js';

/** Twilio, or any service that speaks the Twilio Messages API. */
export interface TwilioProviderConfig {
  /** Label for logs and metrics. */
  name: string;
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or alphanumeric sender id; exactly one of `from` / `messagingServiceSid`. */
  from?: string | undefined;
  messagingServiceSid?: string | undefined;
  /** Default `https://api.twilio.com`; another origin for Twilio-compatible services and tests. */
  baseUrl: string;
  /** Deadline for one attempt, answer included. */
  timeoutMs: number;
  /** Header that carries a digest of the idempotency key (compatible services dedupe on it); `false` sends none. */
  idempotencyHeader: string | false;
}

/** Twilio error codes that mean the destination number is not usable: permanent, no failover. */
const INVALID_NUMBER_CODES = new Set([
  21211, // Invalid 'To' phone number
  21217, // Phone number does not appear to be valid
  21401, // Invalid phone number
  21614, // 'To' number is not a valid mobile number
]);

/**
 * Twilio error codes that refuse this message for good: permanent, no failover.
 * 21408 (sending to this region not enabled) is Twilio's geographic permission, a toll-fraud control
 * the operator set on purpose; failing over to another provider would defeat it.
 */
const REJECTED_CODES = new Set([
  21408, // Permission to send to this region has not been enabled
  21610, // Recipient has opted out (STOP)
  21612, // 'To' number is not currently reachable by SMS
  21602, // Message body is required
  21617, // Body exceeds the maximum length
]);

/** Our credentials or account: transient, the next provider has its own. */
const AUTH_CODES = new Set([20003]);

/** Our sender configuration or throttling: transient, another provider may succeed. */
const TRANSIENT_CODES = new Set([
  20429, // Too many requests
  21212, // Invalid 'From' number (our configuration)
  21606, // 'From' is not a message-capable number of this account (our configuration)
]);

/** Sends through `POST {baseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json` with basic auth. */
export class TwilioSmsProvider implements SmsProvider {
  readonly name: string;
  private readonly config: TwilioProviderConfig;
  private readonly endpoint: string;
  private readonly authorization: string;

  constructor(config: TwilioProviderConfig) {
    if (!config.from === !config.messagingServiceSid) throw new Error('twilio: set exactly one of from / messagingServiceSid');
    this.name = config.name;
    this.config = config;
    this.endpoint = `${config.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
    this.authorization = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`, 'utf8').toString('base64')}`;
  }

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    const form = new URLSearchParams({ To: message.to, Body: message.text });
    if (this.config.messagingServiceSid) form.set('MessagingServiceSid', this.config.messagingServiceSid);
    else form.set('From', this.config.from!);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: this.authorization,
      'user-agent': 'unlatch',
    };
    if (this.config.idempotencyHeader) headers[this.config.idempotencyHeader.toLowerCase()] = idempotencyDigest(message.idempotencyKey);

    const response = await postWithDeadline(this.endpoint, { headers, body: form.toString(), timeoutMs: this.config.timeoutMs });
    if (response.status >= 200 && response.status < 300) {
      const sid = stringField(response.json, 'sid');
      // Accepted in a shape we cannot read: do not fail over (that could send the code twice and bill twice).
      if (!plausibleMessageId(sid)) throw new SmsDeliveryError('rejected', false, { status: response.status });
      return { providerMessageId: sid };
    }
    throw twilioError(response.status, response.json);
  }
}

/** Maps a Twilio error answer (`{ code, message, more_info, status }`) to an SmsDeliveryError. */
export function twilioError(status: number, json: unknown): SmsDeliveryError {
  const raw = typeof json === 'object' && json !== null ? (json as Record<string, unknown>).code : undefined;
  const code = typeof raw === 'number' && Number.isInteger(raw) ? raw : undefined;
  const details = { status, providerCode: code === undefined ? undefined : String(code) };
  if (code !== undefined) {
    if (INVALID_NUMBER_CODES.has(code)) return new SmsDeliveryError('invalid_number', false, details);
    if (REJECTED_CODES.has(code)) return new SmsDeliveryError('rejected', false, details);
    if (AUTH_CODES.has(code)) return new SmsDeliveryError('auth', true, details);
    if (TRANSIENT_CODES.has(code)) return new SmsDeliveryError('http_4xx', true, details);
  }
  return errorForStatus(status, details.providerCode);
}

/**
 * The idempotency key as sent to a third party: a digest, so internal ids (flow ids, outbox row ids)
 * do not leave the server, yet the same logical message always carries the same value.
 */
export function idempotencyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32);
}
