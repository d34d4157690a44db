import type { SmsProvider } from '../../core/ports/sms.js';
import { providerNames, type SmsProviderConfig } from '../../config/sms-schema.js';
import { TwilioSmsProvider } from './twilio-provider.js';
import { WebhookSmsProvider } from './webhook-provider.js';

/** The configured providers, in failover order. An empty list means SMS is off: build no sender. */
export function buildSmsProviders(configs: readonly SmsProviderConfig[]): SmsProvider[] {
  const names = providerNames(configs);
  return configs.map((config, index) => {
    const name = names[index]!;
    switch (config.type) {
      case 'webhook':
        return new WebhookSmsProvider({ name, url: config.url, token: config.token, signingSecret: config.signingSecret, timeoutMs: config.timeoutMs });
      case 'twilio':
        return new TwilioSmsProvider({
          name,
          accountSid: config.accountSid,
          authToken: config.authToken,
          from: config.from,
          messagingServiceSid: config.messagingServiceSid,
          baseUrl: config.baseUrl,
          timeoutMs: config.timeoutMs,
          idempotencyHeader: config.idempotencyHeader,
        });
    }
  });
}
