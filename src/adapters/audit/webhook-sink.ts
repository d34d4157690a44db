import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Agent, request } from 'node:https';
import type { WebhookSinkConfig } from '../../config/audit-sinks-schema.js';
import { exportedEntryOf, toCloudEvent, webhookSignature } from '../../core/audit/sink-event.js';
import type { AuditExportSink } from './jsonl-file-sink.js';

/** The header carrying the HMAC signature (see docs/siem.md for verification). */
export const SIGNATURE_HEADER = 'x-unlatch-signature';

/** What a receiver answered when it did not take the entry; the outbox retries it with backoff. */
export class WebhookDeliveryError extends Error {
  constructor(readonly status: number | null, message: string) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/**
 * POSTs each entry as a CloudEvent (or a Splunk HEC / Elastic shaped body) over HTTPS. Only a 2xx counts as
 * delivered; redirects are not followed (a 3xx is a failure: a signed audit stream must not be sent on to
 * wherever a response points); certificates are verified, against `caFile` when given.
 */
export class WebhookSink implements AuditExportSink {
  private readonly agent: Agent;
  private readonly source: string;

  constructor(
    private readonly config: WebhookSinkConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    const ca = config.caFile ? readFileSync(config.caFile) : undefined;
    this.agent = new Agent({ keepAlive: true, ca, rejectUnauthorized: true, minVersion: 'TLSv1.2' });
    this.source = `urn:unlatch:${hostname()}`;
  }

  async write(entry: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(this.bodyOf(toCloudEvent(exportedEntryOf(entry), this.source)));
    const key = this.config.keys[this.config.keys.length - 1]!;
    const signature = webhookSignature(key, Math.floor(this.now().getTime() / 1000), body);
    const contentType = this.config.format === 'cloudevents' ? 'application/cloudevents+json; charset=utf-8' : 'application/json; charset=utf-8';
    await this.post(body, { ...this.config.headers, 'content-type': contentType, [SIGNATURE_HEADER]: signature });
  }

  /** Frees kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private bodyOf(event: Record<string, unknown>): unknown {
    switch (this.config.format) {
      case 'cloudevents':
        return event;
      case 'splunk-hec':
        return { time: Date.parse(String(event.time)) / 1000, source: event.source, sourcetype: 'unlatch:audit', event };
      case 'elastic':
        return { '@timestamp': event.time, ...event };
    }
  }

  private post(body: string, headers: Record<string, string>): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(this.config.url, { method: 'POST', agent: this.agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, timeout: this.config.timeoutMs }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        res.on('end', () => (status >= 200 && status < 300 ? resolve() : reject(new WebhookDeliveryError(status, `receiver answered ${status}`))));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new WebhookDeliveryError(null, 'receiver timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }
}
