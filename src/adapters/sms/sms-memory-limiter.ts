import type { SmsLimiter } from '../../core/ports/sms.js';
import { smsBucketSettings, type SmsLimitSettings } from '../../core/sms/sms-limits.js';
import { MemoryLimiter, type BucketSettings } from '../limiter/memory-limiter.js';

/**
 * A MemoryLimiter holding only the SMS buckets (one process; several nodes need a shared limiter).
 *
 * The general `LimitBucket` type does not list the SMS buckets yet, hence the casts: MemoryLimiter
 * builds one counter per entry it is given, whatever the name. Once `LimitBucket` includes
 * `SmsLimitBucket`, pass the application's limiter (built with `...smsBucketSettings(limits)`) instead
 * and delete this file.
 */
export function createSmsMemoryLimiter(limits: SmsLimitSettings): SmsLimiter {
  const limiter = new MemoryLimiter(smsBucketSettings(limits) as unknown as BucketSettings);
  return limiter as unknown as SmsLimiter;
}
