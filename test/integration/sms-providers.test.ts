import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLimiter } from '../../src/adapters/limiter/memory-limiter.js';
import { idempotencyDigest, TwilioSmsProvider, type TwilioProviderConfig } from '../../src/adapters/sms/twilio-provider.js';
import { WebhookSmsProvider, type WebhookProviderConfig } from '../../src/adapters/sms/webhook-provider.js';
import { SmsDeliveryError, type SmsFailureReason, type SmsProvider } from '../../src/core/ports/sms.js';
import { smsBucketSettings, type SmsLimitSettings } from '../../src/core/sms/sms-limits.js';
import { SmsSender, type SmsAttemptOutcome } from '../../src/core/sms/sms-sender.js';
import { startFakeTwilio, startFakeWebhook, type FakeTwilio, type FakeWebhook } from '../helpers/fake-sms-providers.js';

const ACCOUNT_SID = 'AC00000000000000000000000000000001';
const AUTH_TOKEN = 'twilio-test-token';
const SIGNING_SECRET = 'a-webhook-signing-secret-of-32-chars!';
const TIMEOUT_MS = 400;

const LIMITS: SmsLimitSettings = {
  perDestination: { points: 3, durationSeconds: 3600 },
  perCountryPrefix: { points: 4, durationSeconds: 3600 },
  dailyBudgetPerTenant: 6,
  tenantBudgets: { tiny: 1 },
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function webhook(options: { token?: string; signingSecret?: string } = { signingSecret: SIGNING_SECRET }): Promise<FakeWebhook> {
  const fake = await startFakeWebhook(options);
  closers.push(fake.close);
  return fake;
}

async function twilio(): Promise<FakeTwilio> {
  const fake = await startFakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  closers.push(fake.close);
  return fake;
}

function webhookProvider(fake: FakeWebhook, overrides: Partial<WebhookProviderConfig> = {}): WebhookSmsProvider {
  return new WebhookSmsProvider({ name: 'webhook', url: fake.url, signingSecret: SIGNING_SECRET, timeoutMs: TIMEOUT_MS, ...overrides });
}

function twilioProvider(fake: FakeTwilio, overrides: Partial<TwilioProviderConfig> = {}): TwilioSmsProvider {
  return new TwilioSmsProvider({
    name: 'twilio',
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    from: '+15005550006',
    baseUrl: fake.url,
    timeoutMs: TIMEOUT_MS,
    idempotencyHeader: 'Idempotency-Key',
    ...overrides,
  });
}

function senderWith(providers: SmsProvider[], limits: SmsLimitSettings = LIMITS) {
  const attempts: Array<[string, SmsAttemptOutcome, SmsFailureReason | undefined]> = [];
  const sender = new SmsSender({ providers, limiter: new MemoryLimiter(smsBucketSettings(limits)), limits, onAttempt: (...a) => attempts.push(a) });
  return { sender, attempts };
}

const message = { to: '+447700900123', text: 'Your Unlatch code is 482913', idempotencyKey: 'sms_code:flow-1' };
let counter = 0;
const send = (to = '+447700900123', tenantId = 'acme') => ({ tenantId, to, text: 'Your Unlatch code is 482913', idempotencyKey: `k-${++counter}` });

async function deliveryError(promise: Promise<unknown>): Promise<SmsDeliveryError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SmsDeliveryError);
  return error as SmsDeliveryError;
}

describe('webhook provider against a local webhook server', () => {
  it('delivers with a bearer token and a valid HMAC-SHA256 signature', async () => {
    const fake = await webhook({ token: 'bearer-1', signingSecret: SIGNING_SECRET });
    const provider = webhookProvider(fake, { token: 'bearer-1' });
    expect(await provider.send(message)).toEqual({ providerMessageId: 'wh-1' });
    expect(fake.received).toHaveLength(1);
    const got = fake.received[0]!;
    expect(got).toMatchObject({ to: message.to, text: message.text, idempotencyKey: message.idempotencyKey, signatureVerified: true });
    // The signature is over the exact body bytes.
    const body = JSON.stringify({ to: message.to, text: message.text, idempotencyKey: message.idempotencyKey });
    expect(got.signature).toBe(`sha256=${createHmac('sha256', SIGNING_SECRET).update(body).digest('hex')}`);
  });

  it('is refused with a wrong secret or token: auth, transient', async () => {
    const fake = await webhook({ token: 'bearer-1', signingSecret: SIGNING_SECRET });
    const wrongSecret = await deliveryError(webhookProvider(fake, { token: 'bearer-1', signingSecret: 'another-secret-that-is-32-chars-long' }).send(message));
    expect(wrongSecret).toMatchObject({ reason: 'auth', transient: true, status: 401 });
    const wrongToken = await deliveryError(webhookProvider(fake, { token: 'nope' }).send(message));
    expect(wrongToken).toMatchObject({ reason: 'auth', transient: true });
    expect(fake.received).toHaveLength(0);
  });

  it.each([
    ['error_500', 'http_5xx', true],
    ['error_429', 'http_4xx', true],
    ['invalid_number', 'invalid_number', false],
    ['garbage_2xx', 'rejected', false],
    ['hang', 'timeout', true],
    ['stall_body', 'timeout', true],
  ] as const)('maps %s to %s (transient: %s)', async (behaviour, reason, transient) => {
    const fake = await webhook();
    fake.behaviour = behaviour;
    const started = Date.now();
    const error = await deliveryError(webhookProvider(fake).send(message));
    expect(error).toMatchObject({ reason, transient });
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(error.message).not.toContain(message.to);
    expect(error.message).not.toContain('482913');
  });

  it('maps nothing listening to network, transient', async () => {
    const fake = await webhook();
    const url = fake.url;
    await fake.close();
    expect(await deliveryError(new WebhookSmsProvider({ name: 'w', url, timeoutMs: TIMEOUT_MS }).send(message))).toMatchObject({ reason: 'network', transient: true });
  });

  it('refuses to follow a redirect (it would re-send the signed body elsewhere)', async () => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/sms') res.writeHead(307, { location: '/elsewhere' }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"stolen"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
    expect(await deliveryError(new WebhookSmsProvider({ name: 'w', url, timeoutMs: TIMEOUT_MS }).send(message))).toMatchObject({ reason: 'network', transient: true });
    expect(hits).toEqual(['/sms']);
  });
});

describe('Twilio provider against a local Messages API', () => {
  it('delivers with basic auth and the right form fields', async () => {
    const fake = await twilio();
    const result = await twilioProvider(fake).send(message);
    expect(result.providerMessageId).toMatch(/^SM[0-9]{32}$/);
    expect(fake.received).toEqual([
      {
        accountSid: ACCOUNT_SID,
        to: message.to,
        body: message.text,
        from: '+15005550006',
        messagingServiceSid: undefined,
        idempotencyKey: idempotencyDigest(message.idempotencyKey),
        contentType: 'application/x-www-form-urlencoded',
        answered: 'ok',
      },
    ]);
    // The internal id does not leave the server.
    expect(fake.received[0]!.idempotencyKey).not.toContain('flow-1');
  });

  it('uses MessagingServiceSid instead of From, and can leave out the idempotency header', async () => {
    const fake = await twilio();
    await twilioProvider(fake, { from: undefined, messagingServiceSid: 'MG123', idempotencyHeader: false }).send(message);
    expect(fake.received[0]).toMatchObject({ from: undefined, messagingServiceSid: 'MG123', idempotencyKey: undefined });
  });

  it('maps 20003 (wrong token) to auth, transient', async () => {
    const fake = await twilio();
    expect(await deliveryError(twilioProvider(fake, { authToken: 'wrong' }).send(message))).toMatchObject({ reason: 'auth', transient: true, status: 401, providerCode: '20003' });
  });

  it('maps a wrong account (404 / 20404) to http_4xx, transient', async () => {
    const fake = await twilio();
    const error = await deliveryError(twilioProvider(fake, { baseUrl: `${fake.url}/nowhere` }).send(message));
    expect(error).toMatchObject({ reason: 'http_4xx', transient: true, status: 404, providerCode: '20404' });
  });

  it.each([
    ['invalid_number', 'invalid_number', false, '21211'],
    ['error_500', 'http_5xx', true, '20500'],
    ['error_429', 'http_4xx', true, '20429'],
    ['garbage_2xx', 'rejected', false, undefined],
    ['hang', 'timeout', true, undefined],
    ['stall_body', 'timeout', true, undefined],
  ] as const)('maps %s to %s (transient: %s)', async (behaviour, reason, transient, providerCode) => {
    const fake = await twilio();
    fake.behaviour = behaviour;
    expect(await deliveryError(twilioProvider(fake).send(message))).toMatchObject({ reason, transient, providerCode });
  });
});

describe('SmsSender over real HTTP providers', () => {
  it('21211 is permanent: no failover', async () => {
    const [t, w] = [await twilio(), await webhook()];
    t.behaviour = 'invalid_number';
    const { sender, attempts } = senderWith([twilioProvider(t), webhookProvider(w)]);
    expect(await sender.send(send())).toEqual({ sent: false, reason: 'invalid_number' });
    expect(w.requestCount()).toBe(0);
    expect(attempts).toEqual([['twilio', 'permanent_failure', 'invalid_number']]);
  });

  it('a 500 fails over to the second provider, counted', async () => {
    const [t, w] = [await twilio(), await webhook()];
    t.behaviour = 'error_500';
    const { sender, attempts } = senderWith([twilioProvider(t), webhookProvider(w)]);
    expect(await sender.send(send())).toEqual({ sent: true, provider: 'webhook', providerMessageId: 'wh-1' });
    expect(attempts).toEqual([['twilio', 'transient_failure', 'http_5xx'], ['webhook', 'sent', undefined]]);
    expect(t.received).toHaveLength(1);
    expect(w.received).toHaveLength(1);
    expect(w.received[0]!.signatureVerified).toBe(true);
  });

  it('a hang past the timeout fails over to the second provider, counted, within the deadline', async () => {
    const [w, t] = [await webhook(), await twilio()];
    w.behaviour = 'hang';
    const { sender, attempts } = senderWith([webhookProvider(w), twilioProvider(t)]);
    const started = Date.now();
    const result = await sender.send(send());
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(result).toMatchObject({ sent: true, provider: 'twilio' });
    expect(attempts).toEqual([['webhook', 'transient_failure', 'timeout'], ['twilio', 'sent', undefined]]);
    // Both attempts carried the same logical message.
    expect(t.received[0]!.idempotencyKey).toBe(idempotencyDigest(w.received[0]!.idempotencyKey));
  });

  it('answers all_failed when every provider fails', async () => {
    const [t, w] = [await twilio(), await webhook()];
    t.behaviour = 'error_429';
    w.behaviour = 'error_500';
    const { sender, attempts } = senderWith([twilioProvider(t), webhookProvider(w)]);
    expect(await sender.send(send())).toEqual({ sent: false, reason: 'all_failed' });
    expect(attempts).toEqual([['twilio', 'transient_failure', 'http_4xx'], ['webhook', 'transient_failure', 'http_5xx']]);
  });

  it('the per-destination limit stops the 4th send to one number', async () => {
    const t = await twilio();
    const { sender } = senderWith([twilioProvider(t)]);
    for (let i = 0; i < 3; i += 1) expect(await sender.send(send('+447700900123'))).toMatchObject({ sent: true });
    expect(await sender.send(send('+447700900123'))).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'destination' });
    expect(t.received).toHaveLength(3);
  });

  it('the per-prefix limit stops a spread of numbers in one range', async () => {
    const w = await webhook();
    const { sender } = senderWith([webhookProvider(w)]);
    for (let i = 0; i < 4; i += 1) expect(await sender.send(send(`+88216000000${i}`))).toMatchObject({ sent: true });
    expect(await sender.send(send('+882160000009'))).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'country_prefix' });
    expect(await sender.send(send('+33612345678'))).toMatchObject({ sent: true });
    expect(w.received.map((r) => r.to)).not.toContain('+882160000009');
  });

  it('the daily budget is per tenant', async () => {
    const t = await twilio();
    const { sender } = senderWith([twilioProvider(t)], { ...LIMITS, perCountryPrefix: { points: 100, durationSeconds: 3600 } });
    for (let i = 0; i < 6; i += 1) expect(await sender.send(send(`+3361234560${i}`, 'acme'))).toMatchObject({ sent: true });
    expect(await sender.send(send('+33612345699', 'acme'))).toMatchObject({ sent: false, reason: 'budget_exhausted' });
    expect(await sender.send(send('+33612345698', 'globex'))).toMatchObject({ sent: true });
    expect(await sender.send(send('+33612345697', 'tiny'))).toMatchObject({ sent: true });
    expect(await sender.send(send('+33612345696', 'tiny'))).toMatchObject({ sent: false, reason: 'budget_exhausted' });
    expect(t.received).toHaveLength(8);
  });

  it('an invalid number never reaches a provider', async () => {
    const [t, w] = [await twilio(), await webhook()];
    const { sender, attempts } = senderWith([twilioProvider(t), webhookProvider(w)]);
    for (const to of ['07700900123', '+44 7700 900123', '+44770090012345678', 'tel:+447700900123', '+447700900123\n']) {
      expect(await sender.send(send(to))).toEqual({ sent: false, reason: 'invalid_number' });
    }
    expect(t.requestCount() + w.requestCount()).toBe(0);
    expect(attempts).toEqual([]);
  });
});
