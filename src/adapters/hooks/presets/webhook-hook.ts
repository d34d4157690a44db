import { hostname } from 'node:os';
import type { WebhookHookConfig } from '../../../config/hooks-schema.js';
import { webhookSignature } from '../../../core/audit/sink-event.js';
import { hookCloudEvent, type HookDeliveryEvent } from '../../../core/hooks/hook-cloud-event.js';
import { SIGNATURE_HEADER } from '../../audit/webhook-sink.js';
import { HookCallError, HookHttp, ok } from '../hook-http.js';
import type { HookTarget } from '../hook-target.js';

/**
 * The generic hook: the event as a CloudEvent, POSTed and signed exactly like the audit webhook
 * (`X-Unlatch-Signature: t=…,k=…,v1=<HMAC-SHA256 of "t.body">`, the newest key signing), so one receiver
 * library verifies both. Only a 2xx counts; a 3xx is not followed.
 */
export class WebhookHook implements HookTarget {
  private readonly http: HookHttp;
  private readonly source = `urn:unlatch:${hostname()}`;

  constructor(private readonly config: WebhookHookConfig, private readonly now: () => number = Date.now) {
    this.http = new HookHttp(config);
  }

  async send(event: HookDeliveryEvent): Promise<void> {
    const body = JSON.stringify(hookCloudEvent(event, this.source));
    const key = this.config.keys[this.config.keys.length - 1]!;
    const signature = webhookSignature(key, Math.floor(this.now() / 1000), body);
    const response = await this.http.send({
      method: 'POST',
      url: this.config.url,
      headers: { ...this.config.headers, 'content-type': 'application/cloudevents+json; charset=utf-8', [SIGNATURE_HEADER]: signature, 'idempotency-key': event.eventId },
      body,
    });
    if (!ok(response)) throw HookCallError.ofStatus(response.status, 'receiver');
  }

  close(): void {
    this.http.close();
  }
}
