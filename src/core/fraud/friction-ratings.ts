import { hashHandle, newFlowHandle } from '../crypto/secrets.js';
import { firstExhausted, rateLimitedError } from '../limits.js';
import type { Clock } from '../ports/clock.js';
import type { FrictionStore, RatedFlow } from '../ports/fraud.js';
import type { Limiter } from '../ports/limiter.js';
import { MAX_FRAUD_TOKEN, RATING_TOKEN_TTL_SECONDS } from './fraud-settings.js';

/** The answers a rating may have: 1 (very hard) … 5 (very easy). */
export const RATINGS = [1, 2, 3, 4, 5] as const;

export interface FrictionRatingsDeps {
  store: FrictionStore;
  limiter: Limiter;
  clock: Clock;
  /** Told of each counted answer (`unlatch_friction_rating_total`). */
  onRated: (answer: { tenantId: string; flow: RatedFlow; rating: number }) => void;
}

/** A rating as the form sends it: a whole number 1–5, or null for anything else. */
export function parseRating(raw: string): number | null {
  return /^[1-5]$/.test(raw) ? Number(raw) : null;
}

/**
 * SLI M8, user friction: "How easy was this?" on the done pages, anonymous by construction. The form's token is
 * random and single-use, stored as a hash with an expiry and nothing else — no flow, person, address or cookie —
 * and an answer only adds one to a daily count, so no answer can be traced back to whoever gave it. The token
 * and a per-IP limit (counted in the limiter, never stored with the answer) stop ballot stuffing.
 */
export class FrictionRatings {
  constructor(private readonly deps: FrictionRatingsDeps) {}

  /** A fresh form token for a done page. */
  async issue(): Promise<string> {
    const token = newFlowHandle();
    await this.deps.store.issueToken(hashHandle(token), new Date(this.deps.clock.now().getTime() + RATING_TOKEN_TTL_SECONDS * 1000));
    return token;
  }

  /**
   * Counts one answer when the token is live; false for a spent, unknown or expired token or a rating out of
   * range (nothing counted, and the page answers the same). Per IP limited (`rating_ip`).
   */
  async submit(input: { token: string; ip: string; tenantId: string; flow: RatedFlow; rating: number | null }): Promise<boolean> {
    const denied = await firstExhausted(this.deps.limiter, [['rating_ip', input.ip]]);
    if (denied) throw rateLimitedError(denied.retryAfterSeconds);
    const token = input.token.trim();
    if (input.rating === null || token === '' || token.length > MAX_FRAUD_TOKEN) return false;
    const now = this.deps.clock.now();
    const counted = await this.deps.store.record(hashHandle(token), now, { tenantId: input.tenantId, flow: input.flow, day: now.toISOString().slice(0, 10), rating: input.rating });
    if (counted) this.deps.onRated({ tenantId: input.tenantId, flow: input.flow, rating: input.rating });
    return counted;
  }
}
