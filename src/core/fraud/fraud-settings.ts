import type { LimitBucket } from '../ports/limiter.js';

/** How long a "this wasn't me" link in a notice works: long enough to read old mail, short enough to expire. */
export const REPORT_LINK_TTL_SECONDS = 30 * 86_400;

/** How long the done page's rating form can be sent: a person answers at once or not at all. */
export const RATING_TOKEN_TTL_SECONDS = 3600;

/** Longest token the report and rating pages accept (core's are 32 characters of base64url). */
export const MAX_FRAUD_TOKEN = 128;

/**
 * The limiter buckets of reports and ratings, per IP: a handful of genuine reports an hour is plenty, and a
 * person rates once per done page. Added to the app's one limiter, like the helpdesk's buckets.
 */
export const FRAUD_BUCKET_SETTINGS: Record<Extract<LimitBucket, 'fraud_report_ip' | 'rating_ip'>, { points: number; durationSeconds: number }> = {
  fraud_report_ip: { points: 10, durationSeconds: 3600 },
  rating_ip: { points: 20, durationSeconds: 3600 },
};
