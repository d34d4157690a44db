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
  | 'change_identifier';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts events per key and window (memory, Redis, SQL). Keys never contain secrets. */
export interface Limiter {
  consume(bucket: LimitBucket, key: string): Promise<LimitDecision>;
}
