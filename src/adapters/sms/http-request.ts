import { SmsDeliveryError } from '../../core/ports/sms.js';

/** Largest provider answer we read; a provider that sends more is cut off (its reply is never needed in full). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** A provider's answer: status and, when it parsed as JSON, the body. */
export interface ProviderResponse {
  status: number;
  json: unknown;
}

/**
 * One POST with a hard deadline covering connect, request, and reading the whole answer.
 * Redirects are refused: following one would re-send the signed body and credentials to wherever it points.
 * Rejects only with {@link SmsDeliveryError} (`timeout` or `network`, both transient).
 */
export async function postWithDeadline(
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number },
): Promise<ProviderResponse> {
  const signal = AbortSignal.timeout(init.timeoutMs);
  try {
    const response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, redirect: 'error', signal });
    const text = await readBounded(response);
    return { status: response.status, json: parseJson(text) };
  } catch (error) {
    if (error instanceof SmsDeliveryError) throw error;
    if (signal.aborted || isTimeout(error)) throw new SmsDeliveryError('timeout', true);
    throw new SmsDeliveryError('network', true);
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      return '';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError' || name === 'AbortError';
}

/** A string field of a JSON object answer, or undefined. */
export function stringField(json: unknown, field: string): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const value = (json as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/** A provider message id we are willing to keep and log: short, printable ASCII. */
export function plausibleMessageId(value: string | undefined): value is string {
  return value !== undefined && /^[\x21-\x7e]{1,128}$/.test(value);
}

/**
 * The mapping every provider shares once its own error codes are handled:
 * - 401 / 403 → `auth`, transient (our credentials; the next provider has its own).
 * - 404 → `http_4xx`, transient (a wrong URL or account is our configuration, not the message).
 * - 408 / 425 / 429 → `http_4xx`, transient (try again / elsewhere).
 * - other 4xx → `http_4xx`, permanent (the provider refused this request).
 * - 5xx → `http_5xx`, transient.
 * - anything else (1xx, 3xx that slipped through) → `network`, transient.
 */
export function errorForStatus(status: number, providerCode?: string): SmsDeliveryError {
  const details = { status, providerCode };
  if (status === 401 || status === 403) return new SmsDeliveryError('auth', true, details);
  if (status === 404 || status === 408 || status === 425 || status === 429) return new SmsDeliveryError('http_4xx', true, details);
  if (status >= 400 && status < 500) return new SmsDeliveryError('http_4xx', false, details);
  if (status >= 500 && status < 600) return new SmsDeliveryError('http_5xx', true, details);
  return new SmsDeliveryError('network', true, details);
}
