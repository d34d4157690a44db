/**
 * The rate-limit buckets SMS sending counts in.
 * - `sms_destination` — keyed by the E.164 number.
 * - `sms_country_prefix` — keyed by the calling-code prefix (e.g. `44`, `1876`, `unknown`).
 * - `sms_tenant_daily` — keyed by tenant id; the default daily budget.
 * - `sms_tenant_daily:<tenantId>` — keyed by tenant id; a tenant whose budget is configured on its own.
 */
export type SmsLimitBucket = 'sms_destination' | 'sms_country_prefix' | 'sms_tenant_daily' | `sms_tenant_daily:${string}`;

/** Named buckets, each with its own points and window in config. */
export type LimitBucket =
  | 'start_ip'
  | 'start_identifier'
  | 'start_tenant'
  | 'send_destination'
  | 'verify_ip'
  | 'verify_identifier'
  | 'password_ip'
  | 'change_ip'
  | 'change_identifier'
  /** Tests of one registered method (`tenant:methodId`), so the test page is no oracle for guessing codes. */
  | 'method_test'
  /** Codes sent to confirm a new contact address (phone or email), per account (`tenant:subjectId`): no mail or SMS cannon. */
  | 'contact_register'
  /**
   * Consecutive failed proofs of one account across every flow and method (`tenant:accountKey`); a successful
   * proof clears it. When it is spent, self-service proofs for the account pause (NIST SP 800-63B: ≤ 100).
   */
  | 'proof_failures'
  /** Helpdesk caller checks started or answered, per agent (`tenant:actor`) and per person (`tenant:subjectId`): `helpdesk.limits`. */
  | 'helpdesk_agent'
  | 'helpdesk_person'
  /** Confirmed "this wasn't me" reports, per IP (`fraud-settings.ts`): no flood of guessed links. */
  | 'fraud_report_ip'
  /** Friction ratings submitted, per IP (`fraud-settings.ts`): no ballot stuffing. */
  | 'rating_ip'
  /**
   * Starts counted for the risk engine's velocity signals (`risk.velocity`), never refusing (their points are
   * huge; `remaining` gives the count): per IP, per IPv4 /24 or IPv6 /64, per account (`tenant:accountKey`), per tenant.
   */
  | 'risk_ip'
  | 'risk_subnet'
  | 'risk_account'
  | 'risk_tenant'
  | SmsLimitBucket;

/** `remaining`: points left in the window after this one, when the limiter knows it (to say "n tries left"). */
export type LimitDecision = { allowed: true; remaining?: number } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts events per key and window (memory, Redis, PostgreSQL). Keys never contain secrets.
 * Every node and every restart sees the same counts when the store is shared (Redis, PostgreSQL).
 */
export interface Limiter {
  /** Counts one event; refuses once the window's points are spent. */
  consume(bucket: LimitBucket, key: string): Promise<LimitDecision>;
  /** What the next `consume` would answer, without counting anything. */
  peek(bucket: LimitBucket, key: string): Promise<LimitDecision>;
  /** Forgets the key's count in the bucket (a successful proof ends a run of failures). */
  clear(bucket: LimitBucket, key: string): Promise<void>;
}
