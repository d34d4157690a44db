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
  /**
   * After a directory write, sign in as the person with the new password to prove the write took, retrying
   * with doubling delays for replication lag (LDAP and AD; the built-in store writes in the same transaction).
   */
  postWriteCheck: { attempts: number; initialDelayMs: number };
  /** How long one reset, change or unlock may hold an account's lease before another may take it. */
  accountLockSeconds: number;
}

export const DEFAULT_RESET_SETTINGS: ResetSettings = {
  codeTtlSeconds: 600,
  passwordStepTtlSeconds: 600,
  maxCodeAttempts: 5,
  codeDigits: 6,
  postWriteCheck: { attempts: 4, initialDelayMs: 250 },
  accountLockSeconds: 60,
};
