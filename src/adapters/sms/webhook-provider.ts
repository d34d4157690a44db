import { createHmac } from 'node:crypto';
import { SmsDeliveryError, type SmsMessage, type SmsProvider } from '../../core/ports/sms.js';
import { errorForStatus, plausibleMessageId, postWithDeadline, stringField } from './http-request.js';

/** A generic HTTP/JSON SMS gateway (your own relay, an SMS modem service, a provider's webhook). */
export interface WebhookProviderConfig {
  /** Label for logs and metrics. */
  name: string;
  /** Where to POST; https outside a trusted network. */
  url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  /** Signs each body: `X-Unlatch-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`. */
  signingSecret?: string | undefined;
  /** Deadline for one attempt, answer included. */
  timeoutMs: number;
}

/** The signature header's name. */
export const SIGNATURE_HEADER = 'X-Unlatch-Signature';

/** `sha256=<hex>` over the exact body bytes, as sent in {@link SIGNATURE_HEADER}. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The webhook contract (docs/sms.md):
 * - request: `POST <url>`, `Content-Type: application/json`, body `{ "to", "text", "idempotencyKey" }`;
 * - success: any 2xx with JSON `{ "id": "<message id>" }`;
 * - failure: a 4xx/5xx, optionally with JSON `{ "error": "invalid_number" | "rejected" }` for a refusal
 *   that is about the message (permanent); other statuses map as in `errorForStatus`.
 */
export class WebhookSmsProvider implements SmsProvider {
  readonly name: string;
  private readonly config: WebhookProviderConfig;

  constructor(config: WebhookProviderConfig) {
    this.name = config.name;
    this.config = config;
  }

  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    const body = JSON.stringify({ to: message.to, text: message.text, idempotencyKey: message.idempotencyKey });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'user-agent': 'unlatch',
    };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    if (this.config.signingSecret) headers[SIGNATURE_HEADER.toLowerCase()] = webhookSignature(body, this.config.signingSecret);

    const response = await postWithDeadline(this.config.url, { headers, body, timeoutMs: this.config.timeoutMs });
    if (response.status >= 200 && response.status < 300) {
      const id = stringField(response.json, 'id');
      // Accepted in a shape we cannot read: do not fail over (that could send the code twice and bill twice).
      if (!plausibleMessageId(id)) throw new SmsDeliveryError('rejected', false, { status: response.status });
      return { providerMessageId: id };
    }
    const error = stringField(response.json, 'error');
    if (response.status >= 400 && response.status < 500 && (error === 'invalid_number' || error === 'rejected')) {
      throw new SmsDeliveryError(error, false, { status: response.status, providerCode: error });
    }
    throw errorForStatus(response.status);
  }
}
