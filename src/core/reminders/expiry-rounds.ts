const DAY_MS = 86_400_000;

/**
 * The expiry reminder due for a password expiring at `expiresAt`, as a round key, or null. The round is the
 * smallest threshold already reached (a first run 5 days before expiry sends the 7-day reminder, not also the
 * 14-day one) together with the expiry time itself, so a new password (a new expiry) starts new reminders.
 * An expired password gets none (the person can no longer act on a reminder to change it; a reset helps).
 */
export function expiryRound(expiresAt: Date, thresholdsDays: readonly number[], now: Date): { round: string; threshold: number; daysLeft: number } | null {
  const left = expiresAt.getTime() - now.getTime();
  if (!(left > 0)) return null;
  const reached = thresholdsDays.filter((days) => left <= days * DAY_MS);
  if (reached.length === 0) return null;
  const threshold = Math.min(...reached);
  return { round: `${expiresAt.toISOString()}/${threshold}d`, threshold, daysLeft: Math.ceil(left / DAY_MS) };
}

/** The longest threshold: older expiry rows cannot belong to a round that is still open. */
export function longestThresholdMs(thresholdsDays: readonly number[]): number {
  return Math.max(...thresholdsDays) * DAY_MS;
}
