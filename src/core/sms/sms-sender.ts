import { SmsDeliveryError, type SmsFailureReason, type SmsLimitBucket, type SmsLimiter, type SmsProvider } from '../ports/sms.js';
import { callingCodePrefix } from './calling-codes.js';
import { isE164 } from './e164.js';
import { budgetBucketFor, DAILY_WINDOW_SECONDS, dailyBudgetFor, type SmsLimitSettings } from './sms-limits.js';

/** One message to send on behalf of a tenant. */
export interface SmsSendInput {
  tenantId: string;
  /** E.164 (`+` and 8–15 digits); anything else is refused as `invalid_number` without a send. */
  to: string;
  /** Holds a code: never logged, never passed to the observer. */
  text: string;
  /** Stable for every attempt at this logical message (e.g. `sms_code:<flowId>`). */
  idempotencyKey: string;
}

/**
 * How one provider attempt went, for metrics (`sms_attempts_total{provider,outcome,reason}`):
 * `sent`; `transient_failure` (the sender fails over to the next provider); `permanent_failure`
 * (the sender stops).
 */
export type SmsAttemptOutcome = 'sent' | 'transient_failure' | 'permanent_failure';

/** Told about every provider attempt. Gets only safe labels, never the number or the text. Must not throw. */
export type SmsAttemptObserver = (provider: string, outcome: SmsAttemptOutcome, reason: SmsFailureReason | undefined) => void;

/** Which limit refused a send. */
export type SmsLimitName = 'destination' | 'country_prefix' | 'tenant_daily';

/**
 * What happened. Expected failures are results, never exceptions:
 * - `rate_limited` — the per-destination or per-country-prefix limit is spent (`limit` says which).
 * - `budget_exhausted` — the tenant's daily send budget is spent.
 * - `invalid_number` — not E.164, or a provider said the number is invalid.
 * - `rejected` — a provider refused the message for good (opted out, destination not permitted, …);
 *   no other provider was tried.
 * - `all_failed` — every provider failed transiently (or timed out).
 */
export type SmsSendResult =
  | { sent: true; provider: string; providerMessageId: string }
  | { sent: false; reason: 'rate_limited' | 'budget_exhausted'; limit: SmsLimitName; retryAfterSeconds: number }
  | { sent: false; reason: 'invalid_number' | 'rejected' | 'all_failed' };

/** The outcome of the limit checks alone. */
export type SmsAdmission =
  | { admitted: true }
  | Extract<SmsSendResult, { reason: 'rate_limited' | 'budget_exhausted' }>
  | { sent: false; reason: 'invalid_number' };

export interface SmsSenderDeps {
  /** Tried in this order; at least one. */
  providers: readonly SmsProvider[];
  limiter: SmsLimiter;
  limits: SmsLimitSettings;
  onAttempt?: SmsAttemptObserver;
}

/**
 * Sends SMS codes without letting anyone run up the bill.
 *
 * SMS pumping (artificially inflated traffic, "toll fraud"): an attacker triggers our "send a code"
 * step over and over for numbers they profit from — premium-rate or colluding carriers' ranges — and
 * we pay per message. A reset form is an ideal target: it sends to a number of the caller's
 * choosing (at registration) or to a number we hold (at reset), without sign-in. Each limit below
 * closes one way of doing it; they are checked before any provider is called:
 *
 * 1. **Per destination** (`sms_destination`, keyed by the E.164 number, across tenants): stops
 *    flooding one number — harassment of a person, and pumping through a few numbers. Legitimate use
 *    needs a handful of codes per hour at most.
 * 2. **Per calling-code prefix** (`sms_country_prefix`, keyed by prefix, across tenants): pumping
 *    spreads over many numbers in one premium range, which the destination limit cannot see; a
 *    prefix counter caps the damage in any one region and turns an attack into a visible spike.
 * 3. **Daily budget per tenant** (`sms_tenant_daily[:tenant]`, keyed by tenant): a hard ceiling on
 *    what one tenant can cost per day, whatever the spread; the last line when the other two are
 *    evaded (many prefixes, many numbers). Sized per tenant to its head count.
 *
 * The limits are consumed in that order and a refusal stops the chain, so attempts refused by a
 * narrower limit do not eat the tenant's budget (an attacker hammering one number cannot starve the
 * whole tenant). An admitted send counts even if every provider then fails: the attempt may still
 * have cost money.
 *
 * Failover: providers are tried in order. A transient failure (timeout, network, 5xx, 429, our
 * credentials refused) moves to the next provider; a permanent one (invalid number, message
 * refused) stops, because another provider cannot help and must not be used to get around the
 * first one's fraud controls. A timed-out attempt may still be delivered, so the person can get the
 * same message twice; that is the price of availability and is harmless for a code.
 */
export class SmsSender {
  private readonly providers: readonly SmsProvider[];
  private readonly limiter: SmsLimiter;
  private readonly limits: SmsLimitSettings;
  private readonly onAttempt: SmsAttemptObserver;

  constructor(deps: SmsSenderDeps) {
    // With no providers SMS is off: do not build a sender (and do not offer sms_code).
    if (deps.providers.length === 0) throw new Error('SmsSender needs at least one provider');
    this.providers = [...deps.providers];
    this.limiter = deps.limiter;
    this.limits = deps.limits;
    this.onAttempt = deps.onAttempt ?? (() => undefined);
  }

  /** Checks the limits (spending one point in each it passes), then delivers. */
  async send(input: SmsSendInput): Promise<SmsSendResult> {
    const admission = await this.admit(input);
    if (!('admitted' in admission)) return admission;
    return this.deliver(input);
  }

  /**
   * The limit checks alone, for a caller that admits at request time and delivers later (e.g. from
   * the outbox, where a retried delivery must not be counted again).
   */
  async admit(input: Pick<SmsSendInput, 'tenantId' | 'to'>): Promise<SmsAdmission> {
    if (!isE164(input.to)) return { sent: false, reason: 'invalid_number' };

    const budget = dailyBudgetFor(this.limits, input.tenantId);
    const checks: Array<[SmsLimitName, SmsLimitBucket, string]> = [
      ['destination', 'sms_destination', input.to],
      ['country_prefix', 'sms_country_prefix', callingCodePrefix(input.to) ?? 'unknown'],
      ['tenant_daily', budgetBucketFor(this.limits, input.tenantId), input.tenantId],
    ];
    for (const [limit, bucket, key] of checks) {
      if (limit === 'tenant_daily' && budget <= 0) {
        return { sent: false, reason: 'budget_exhausted', limit, retryAfterSeconds: DAILY_WINDOW_SECONDS };
      }
      const decision = await this.limiter.consume(bucket, key);
      if (!decision.allowed) {
        return {
          sent: false,
          reason: limit === 'tenant_daily' ? 'budget_exhausted' : 'rate_limited',
          limit,
          retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterSeconds)),
        };
      }
    }
    return { admitted: true };
  }

  /** Tries the providers in order, without checking limits (see {@link admit}). */
  async deliver(message: Omit<SmsSendInput, 'tenantId'>): Promise<SmsSendResult> {
    if (!isE164(message.to)) return { sent: false, reason: 'invalid_number' };
    for (const provider of this.providers) {
      try {
        const { providerMessageId } = await provider.send({ to: message.to, text: message.text, idempotencyKey: message.idempotencyKey });
        this.tell(provider.name, 'sent', undefined);
        return { sent: true, provider: provider.name, providerMessageId };
      } catch (error) {
        // Anything else is a bug in an adapter, not an expected failure: let it surface.
        if (!(error instanceof SmsDeliveryError)) throw error;
        if (error.transient) {
          this.tell(provider.name, 'transient_failure', error.reason);
          continue;
        }
        this.tell(provider.name, 'permanent_failure', error.reason);
        return { sent: false, reason: error.reason === 'invalid_number' ? 'invalid_number' : 'rejected' };
      }
    }
    return { sent: false, reason: 'all_failed' };
  }

  private tell(provider: string, outcome: SmsAttemptOutcome, reason: SmsFailureReason | undefined): void {
    try {
      this.onAttempt(provider, outcome, reason);
    } catch {
      // An observer (metrics, logs) must never change whether a code is sent.
    }
  }
}
