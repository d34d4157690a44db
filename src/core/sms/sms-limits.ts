import type { SmsLimitBucket } from '../ports/sms.js';

/** `points` sends per `durationSeconds` window per key. */
export interface SmsWindow {
  points: number;
  durationSeconds: number;
}

/**
 * The anti-pumping limits, as configured under `sms.limits` (see `src/config/sms-schema.ts`).
 * Structurally the parsed config; core does not import config.
 */
export interface SmsLimitSettings {
  /** Sends to one E.164 number (across tenants). */
  perDestination: SmsWindow;
  /** Sends to one calling-code prefix (across tenants). */
  perCountryPrefix: SmsWindow;
  /** Sends per tenant per day, unless `tenantBudgets` names the tenant; 0 turns SMS off for them. */
  dailyBudgetPerTenant: number;
  /** Daily budgets of individual tenants, by tenant id. */
  tenantBudgets?: Readonly<Record<string, number>> | undefined;
}

/** The budget window: one day, counted from the first send in it (not from midnight). */
export const DAILY_WINDOW_SECONDS = 86_400;

/** The daily send budget of `tenantId`. */
export function dailyBudgetFor(limits: SmsLimitSettings, tenantId: string): number {
  const own = limits.tenantBudgets?.[tenantId];
  return own ?? limits.dailyBudgetPerTenant;
}

/**
 * The bucket that counts `tenantId`'s daily budget: a tenant with a budget of its own has a bucket of
 * its own (a limiter bucket has one size), everyone else shares the default-sized bucket, keyed by
 * tenant id, so each still has a separate counter.
 */
export function budgetBucketFor(limits: SmsLimitSettings, tenantId: string): SmsLimitBucket {
  return limits.tenantBudgets?.[tenantId] !== undefined ? `sms_tenant_daily:${tenantId}` : 'sms_tenant_daily';
}

/**
 * The limiter buckets the SMS limits need, ready to merge into the limiter's bucket settings
 * (`buildLimiter(config, smsBucketSettings(config.sms.limits), events)` in `src/app.ts`: SMS counts in the app's
 * one limiter, so its limits are shared across nodes like every other).
 * A budget of 0 gets no bucket: the sender refuses without counting.
 */
export function smsBucketSettings(limits: SmsLimitSettings): Partial<Record<SmsLimitBucket, SmsWindow>> {
  const buckets: Partial<Record<SmsLimitBucket, SmsWindow>> = {
    sms_destination: { ...limits.perDestination },
    sms_country_prefix: { ...limits.perCountryPrefix },
  };
  if (limits.dailyBudgetPerTenant > 0) {
    buckets.sms_tenant_daily = { points: limits.dailyBudgetPerTenant, durationSeconds: DAILY_WINDOW_SECONDS };
  }
  for (const [tenantId, budget] of Object.entries(limits.tenantBudgets ?? {})) {
    if (budget > 0) buckets[`sms_tenant_daily:${tenantId}`] = { points: budget, durationSeconds: DAILY_WINDOW_SECONDS };
  }
  return buckets;
}
