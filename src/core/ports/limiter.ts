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
  | 'contact_register';

/** `remaining`: points left in the window after this one, when the limiter knows it (to say "n tries left"). */
export type LimitDecision = { allowed: true; remaining?: number } | { allowed: false; retryAfterSeconds: number };

/** Counts events per key and window (memory, Redis, SQL). Keys never contain secrets. */
export interface Limiter {
  consume(bucket: LimitBucket, key: string): Promise<LimitDecision>;
}
