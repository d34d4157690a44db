/** Tunables of the reset flow (config key `reset`). */
export interface ResetSettings {
  /** How long an emailed code stays valid. SECURITY.md: at most 10 minutes by default. */
  codeTtlSeconds: number;
  /** How long the new-password step stays open after the code was accepted. */
  passwordStepTtlSeconds: number;
  /** Wrong codes a flow survives; the next wrong one ends it. */
  maxCodeAttempts: number;
  /** Digits in an emailed code (at least 6). */
  codeDigits: number;
}

export const DEFAULT_RESET_SETTINGS: ResetSettings = {
  codeTtlSeconds: 600,
  passwordStepTtlSeconds: 600,
  maxCodeAttempts: 5,
  codeDigits: 6,
};
