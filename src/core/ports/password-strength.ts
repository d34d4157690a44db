/** What a strength estimator says about one password. */
export interface StrengthEstimate {
  /** 0 (guessable in a few tries) … 4 (very unguessable), zxcvbn's scale. */
  score: 0 | 1 | 2 | 3 | 4;
  /** One plain-English sentence naming the weakness, when there is one. */
  warning?: string;
  /** Plain-English hints for a stronger password; empty when there is nothing to say. */
  suggestions: string[];
  /** The warning's stable code (zxcvbn's key, e.g. `straightRow`), for wording it in another language. */
  warningCode?: string;
  /** The suggestions' stable codes (e.g. `l33t`), in the same order. */
  suggestionCodes?: string[];
}

/**
 * Estimates how guessable a password is (zxcvbn in production, a fake in tests).
 * Synchronous and CPU-bound: an adapter must bound its own cost, because the input is attacker-chosen.
 */
export interface StrengthEstimator {
  /**
   * @param password the candidate password, exactly as the user typed it
   * @param userInputs context words (username, email, name, tenant) that make a password easier to guess here
   */
  estimate(password: string, userInputs: string[]): StrengthEstimate;
}

/**
 * A set of passwords nobody may choose (common, expected or breached values, NIST SP 800-63B 3.1.1.2).
 * Entries are stored normalised (NFKC, then lowercase) and matched whole, never as substrings.
 */
export interface Blocklist {
  /** @param normalizedLowercasePassword the candidate after `normalizeForComparison` (NFKC + lowercase) */
  has(normalizedLowercasePassword: string): boolean;
  /** Number of distinct entries, for start-up logs and health checks. */
  readonly size: number;
}
