import { z } from 'zod';

/**
 * Config key `risk.review`: flows the risk engine holds for review (action `hold`) wait for an operator in the
 * console's Reviews area. See docs/risk.md, "Step-up and review".
 */
export const reviewSchema = z
  .object({
    /**
     * How long a held flow waits for an operator before it expires (hours, default 24, at most 168). The person's
     * password (or unlock) step gets its own `reset.passwordStepTtlSeconds` from the approval on.
     */
    ttlHours: z.number().positive().max(168).default(24),
  })
  .strict()
  .prefault({});

export type ReviewConfig = z.infer<typeof reviewSchema>;

/** The review window in seconds (`risk.review.ttlHours`). */
export function reviewTtlSeconds(config: { risk: { review: ReviewConfig } }): number {
  return Math.round(config.risk.review.ttlHours * 3600);
}
