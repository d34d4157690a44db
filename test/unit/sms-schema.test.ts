import { describe, expect, it } from 'vitest';
import { buildSmsProviders } from '../../src/adapters/sms/build-sms-providers.js';
import { providerNames, smsSchema } from '../../src/config/sms-schema.js';

const SECRET = 'x'.repeat(32);

describe('sms config schema', () => {
  it('defaults to SMS off with conservative limits', () => {
    expect(smsSchema.parse(undefined)).toEqual({
      providers: [],
      limits: {
        perDestination: { points: 3, durationSeconds: 3600 },
        perCountryPrefix: { points: 100, durationSeconds: 3600 },
        dailyBudgetPerTenant: 500,
      },
    });
    expect(smsSchema.parse({ limits: {} }).limits.dailyBudgetPerTenant).toBe(500);
  });

  it('parses both provider types with their defaults', () => {
    const parsed = smsSchema.parse({
      providers: [
        { type: 'twilio', accountSid: 'AC0123', authToken: 'tok', from: '+15005550006' },
        { type: 'webhook', url: 'https://sms.example.com/send', token: 't', signingSecret: SECRET, timeoutMs: 2000 },
      ],
      limits: { tenantBudgets: { acme: 50, tiny: 0 } },
    });
    expect(parsed.providers[0]).toMatchObject({ type: 'twilio', baseUrl: 'https://api.twilio.com', timeoutMs: 5000, idempotencyHeader: 'Idempotency-Key' });
    expect(parsed.providers[1]).toMatchObject({ type: 'webhook', timeoutMs: 2000 });
    expect(parsed.limits.tenantBudgets).toEqual({ acme: 50, tiny: 0 });
    expect(buildSmsProviders(parsed.providers).map((p) => p.name)).toEqual(['twilio', 'webhook']);
  });

  it.each([
    ['an unknown key', { providers: [{ type: 'webhook', url: 'https://x.example', tokn: 'typo' }] }, 'providers.0'],
    ['an unknown type', { providers: [{ type: 'nexmo' }] }, 'providers.0.type'],
    ['twilio with neither from nor messagingServiceSid', { providers: [{ type: 'twilio', accountSid: 'AC1', authToken: 't' }] }, 'providers.0.from'],
    ['twilio with both', { providers: [{ type: 'twilio', accountSid: 'AC1', authToken: 't', from: '+1', messagingServiceSid: 'MG1' }] }, 'providers.0.from'],
    ['an account SID that would change the URL path', { providers: [{ type: 'twilio', accountSid: '../x', authToken: 't', from: '+1' }] }, 'providers.0.accountSid'],
    ['a non-http URL', { providers: [{ type: 'webhook', url: 'file:///etc/passwd' }] }, 'providers.0.url'],
    ['a short signing secret', { providers: [{ type: 'webhook', url: 'https://x.example', signingSecret: 'short' }] }, 'providers.0.signingSecret'],
    ['an unbounded timeout', { providers: [{ type: 'webhook', url: 'https://x.example', timeoutMs: 600_000 }] }, 'providers.0.timeoutMs'],
    ['a negative budget', { limits: { dailyBudgetPerTenant: -1 } }, 'limits.dailyBudgetPerTenant'],
    ['a zero-point window', { limits: { perDestination: { points: 0, durationSeconds: 60 } } }, 'limits.perDestination.points'],
    ['a bad tenant id', { limits: { tenantBudgets: { 'Not A Tenant': 5 } } }, 'limits.tenantBudgets.Not A Tenant'],
    ['an unknown limits key', { limits: { perNumber: {} } }, 'limits'],
    ['two providers with one name', { providers: [{ type: 'webhook', url: 'https://a.example', name: 'x' }, { type: 'webhook', url: 'https://b.example', name: 'x' }] }, 'providers.1.name'],
  ])('refuses %s', (_label, raw, path) => {
    const result = smsSchema.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('names providers by type, numbering repeats', () => {
    expect(providerNames([{ type: 'twilio' }, { type: 'webhook' }, { type: 'twilio' }, { type: 'webhook', name: 'relay' }])).toEqual(['twilio', 'webhook', 'twilio-2', 'relay']);
  });
});
