import { describe, expect, it } from 'vitest';
import { MemoryLimiter, type BucketSettings } from '../../src/adapters/limiter/memory-limiter.js';
import { SmsDeliveryError, type SmsFailureReason, type SmsLimiter, type SmsMessage, type SmsProvider } from '../../src/core/ports/sms.js';
import { smsBucketSettings, type SmsLimitSettings } from '../../src/core/sms/sms-limits.js';
import { SmsSender, type SmsAttemptOutcome } from '../../src/core/sms/sms-sender.js';

const LIMITS: SmsLimitSettings = {
  perDestination: { points: 3, durationSeconds: 3600 },
  perCountryPrefix: { points: 5, durationSeconds: 3600 },
  dailyBudgetPerTenant: 8,
  tenantBudgets: { small: 2, off: 0 },
};

/** A provider that answers from a script; `ok` by default. */
class ScriptedProvider implements SmsProvider {
  readonly sent: SmsMessage[] = [];
  constructor(
    readonly name: string,
    private readonly answer: () => { providerMessageId: string } | SmsDeliveryError = () => ({ providerMessageId: `${name}-id` }),
  ) {}
  async send(message: SmsMessage): Promise<{ providerMessageId: string }> {
    this.sent.push(message);
    const result = this.answer();
    if (result instanceof SmsDeliveryError) throw result;
    return result;
  }
}

function setup(providers: SmsProvider[], limits: SmsLimitSettings = LIMITS) {
  const attempts: Array<[string, SmsAttemptOutcome, SmsFailureReason | undefined]> = [];
  const sender = new SmsSender({ providers, limiter: new MemoryLimiter(smsBucketSettings(limits)), limits, onAttempt: (...a) => attempts.push(a) });
  return { sender, attempts };
}

const msg = (to: string, tenantId = 'acme', n = 1) => ({ tenantId, to, text: `Your code is 12345${n}`, idempotencyKey: `k-${n}` });

describe('SmsSender limits (real MemoryLimiter)', () => {
  it('refuses a number that is not E.164 without counting or sending', async () => {
    const p = new ScriptedProvider('a');
    const consumed: string[] = [];
    const limiter: SmsLimiter = { consume: async (bucket) => (consumed.push(bucket), { allowed: true }) };
    const sender = new SmsSender({ providers: [p], limiter, limits: LIMITS });
    for (const to of ['07700900123', '+44 7700 900123', '+1234567', '', '+0441234567']) {
      expect(await sender.send(msg(to))).toEqual({ sent: false, reason: 'invalid_number' });
    }
    expect(await sender.deliver({ to: 'nope', text: 'x', idempotencyKey: 'k' })).toEqual({ sent: false, reason: 'invalid_number' });
    expect(consumed).toEqual([]);
    expect(p.sent).toEqual([]);
  });

  it('stops the 4th send to one number within the window, across tenants', async () => {
    const p = new ScriptedProvider('a');
    const { sender } = setup([p]);
    for (let i = 1; i <= 3; i += 1) expect(await sender.send(msg('+447700900123', i === 3 ? 'other' : 'acme', i))).toMatchObject({ sent: true });
    const fourth = await sender.send(msg('+447700900123', 'acme', 4));
    expect(fourth).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'destination' });
    expect(fourth.sent === false && 'retryAfterSeconds' in fourth && fourth.retryAfterSeconds).toBeGreaterThan(3500);
    expect(p.sent).toHaveLength(3);
    // Another number is unaffected.
    expect(await sender.send(msg('+447700900124'))).toMatchObject({ sent: true });
  });

  it('limits sends per calling-code prefix, whatever the numbers', async () => {
    const p = new ScriptedProvider('a');
    const { sender } = setup([p]);
    for (let i = 0; i < 5; i += 1) expect(await sender.send(msg(`+88216123456${i}`, 'acme', i))).toMatchObject({ sent: true });
    expect(await sender.send(msg('+882161234569', 'acme', 9))).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'country_prefix' });
    // A different prefix still goes, and so does the NANP mainland next to a Caribbean prefix.
    expect(await sender.send(msg('+18765550100'))).toMatchObject({ sent: true });
    expect(await sender.send(msg('+14155550100'))).toMatchObject({ sent: true });
  });

  it('counts unlisted calling codes under one shared key', async () => {
    const { sender } = setup([new ScriptedProvider('a')]);
    for (let i = 0; i < 5; i += 1) expect(await sender.send(msg(`+2801234567${i}`, 'acme', i))).toMatchObject({ sent: true });
    expect(await sender.send(msg('+96912345678'))).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'country_prefix' });
  });

  it('enforces the daily budget per tenant, with per-tenant overrides and 0 = off', async () => {
    const limits: SmsLimitSettings = { ...LIMITS, perCountryPrefix: { points: 1000, durationSeconds: 3600 } };
    const p = new ScriptedProvider('a');
    const { sender } = setup([p], limits);
    const number = (i: number) => `+4477009${String(i).padStart(5, '0')}`;
    for (let i = 0; i < 8; i += 1) expect(await sender.send(msg(number(i), 'acme', i))).toMatchObject({ sent: true });
    const over = await sender.send(msg(number(8), 'acme', 8));
    expect(over).toMatchObject({ sent: false, reason: 'budget_exhausted', limit: 'tenant_daily' });
    expect(over.sent === false && 'retryAfterSeconds' in over && over.retryAfterSeconds).toBeGreaterThan(86_000);

    // Each tenant has its own counter; "small" has its own, smaller budget.
    expect(await sender.send(msg(number(20), 'globex', 20))).toMatchObject({ sent: true });
    expect(await sender.send(msg(number(30), 'small', 30))).toMatchObject({ sent: true });
    expect(await sender.send(msg(number(31), 'small', 31))).toMatchObject({ sent: true });
    expect(await sender.send(msg(number(32), 'small', 32))).toMatchObject({ sent: false, reason: 'budget_exhausted' });
    expect(await sender.send(msg(number(40), 'off', 40))).toMatchObject({ sent: false, reason: 'budget_exhausted', retryAfterSeconds: 86_400 });
    expect(p.sent).toHaveLength(11);
  });

  it('does not spend the tenant budget on sends a narrower limit refused', async () => {
    const limits: SmsLimitSettings = { ...LIMITS, dailyBudgetPerTenant: 4 };
    const { sender } = setup([new ScriptedProvider('a')], limits);
    for (let i = 0; i < 10; i += 1) await sender.send(msg('+447700900123', 'acme', i)); // 3 pass, 7 refused per destination
    expect(await sender.send(msg('+447700900999'))).toMatchObject({ sent: true }); // budget 4: the 4th real send
    expect(await sender.send(msg('+447700900998'))).toMatchObject({ sent: false, reason: 'budget_exhausted' });
  });

  it('works with a MemoryLimiter built from merged bucket settings (the wiring the app will use)', async () => {
    const limiter = new MemoryLimiter({ ...smsBucketSettings(LIMITS) } as unknown as BucketSettings) as unknown as SmsLimiter;
    const sender = new SmsSender({ providers: [new ScriptedProvider('a')], limiter, limits: LIMITS });
    expect(await sender.send(msg('+447700900123'))).toMatchObject({ sent: true, provider: 'a', providerMessageId: 'a-id' });
  });

  it('admit() checks limits without sending; deliver() sends without counting', async () => {
    const p = new ScriptedProvider('a');
    const { sender } = setup([p]);
    for (let i = 0; i < 3; i += 1) expect(await sender.admit({ tenantId: 'acme', to: '+447700900123' })).toEqual({ admitted: true });
    expect(await sender.admit({ tenantId: 'acme', to: '+447700900123' })).toMatchObject({ reason: 'rate_limited' });
    expect(p.sent).toHaveLength(0);
    for (let i = 0; i < 5; i += 1) expect(await sender.deliver({ to: '+447700900123', text: 't', idempotencyKey: 'k' })).toMatchObject({ sent: true });
  });
});

describe('SmsSender failover', () => {
  const transient = (reason: SmsFailureReason) => () => new SmsDeliveryError(reason, true);
  const permanent = (reason: SmsFailureReason) => () => new SmsDeliveryError(reason, false);

  it('fails over on a transient failure and reports each attempt', async () => {
    const a = new ScriptedProvider('a', transient('timeout'));
    const b = new ScriptedProvider('b', transient('http_5xx'));
    const c = new ScriptedProvider('c');
    const { sender, attempts } = setup([a, b, c]);
    expect(await sender.send(msg('+447700900123'))).toEqual({ sent: true, provider: 'c', providerMessageId: 'c-id' });
    expect(attempts).toEqual([['a', 'transient_failure', 'timeout'], ['b', 'transient_failure', 'http_5xx'], ['c', 'sent', undefined]]);
    // Every provider got the same message and idempotency key.
    expect(new Set([...a.sent, ...b.sent, ...c.sent].map((m) => m.idempotencyKey))).toEqual(new Set(['k-1']));
  });

  it('stops at a permanent failure', async () => {
    const b = new ScriptedProvider('b');
    const { sender, attempts } = setup([new ScriptedProvider('a', permanent('invalid_number')), b]);
    expect(await sender.send(msg('+447700900123'))).toEqual({ sent: false, reason: 'invalid_number' });
    expect(b.sent).toHaveLength(0);
    expect(attempts).toEqual([['a', 'permanent_failure', 'invalid_number']]);

    const { sender: s2 } = setup([new ScriptedProvider('a', permanent('rejected')), b]);
    expect(await s2.send(msg('+447700900123'))).toEqual({ sent: false, reason: 'rejected' });
    const { sender: s3 } = setup([new ScriptedProvider('a', permanent('http_4xx')), b]);
    expect(await s3.send(msg('+447700900123'))).toEqual({ sent: false, reason: 'rejected' });
    expect(b.sent).toHaveLength(0);
  });

  it('answers all_failed when every provider fails transiently', async () => {
    const { sender, attempts } = setup([new ScriptedProvider('a', transient('network')), new ScriptedProvider('b', transient('auth'))]);
    expect(await sender.send(msg('+447700900123'))).toEqual({ sent: false, reason: 'all_failed' });
    expect(attempts.map(([p, o]) => `${p}:${o}`)).toEqual(['a:transient_failure', 'b:transient_failure']);
  });

  it('is not affected by an observer that throws', async () => {
    const sender = new SmsSender({
      providers: [new ScriptedProvider('a')],
      limiter: new MemoryLimiter(smsBucketSettings(LIMITS)),
      limits: LIMITS,
      onAttempt: () => {
        throw new Error('metrics broke');
      },
    });
    expect(await sender.send(msg('+447700900123'))).toMatchObject({ sent: true });
  });

  it('lets an unexpected adapter error surface (a bug, not a delivery failure)', async () => {
    const broken: SmsProvider = { name: 'broken', send: async () => Promise.reject(new RangeError('bug')) };
    const { sender } = setup([broken, new ScriptedProvider('b')]);
    await expect(sender.send(msg('+447700900123'))).rejects.toThrow(RangeError);
  });

  it('refuses to be built without providers (no providers = SMS off)', () => {
    expect(() => new SmsSender({ providers: [], limiter: new MemoryLimiter(smsBucketSettings(LIMITS)), limits: LIMITS })).toThrow(/at least one provider/);
  });

  it('keeps the number and text out of the error message', () => {
    const error = new SmsDeliveryError('invalid_number', false, { status: 400, providerCode: '21211' });
    expect(error.message).toBe('sms delivery failed: invalid_number (400/21211)');
  });
});
