import type { StoreTx } from './store.js';

/** One account as a directory holds it. Never carries a password or hash. */
export interface DirectoryAccount {
  /** Stable id within the directory (row id, DN, objectGUID). */
  id: string;
  tenantId: string;
  username: string;
  email?: string;
  phone?: string;
  displayName?: string;
  groups: string[];
  enabled: boolean;
  locked: boolean;
}

/**
 * A password write prepared outside the store transaction (slow work such as hashing happens here)
 * and committed inside it, so the write, its flow transition, audit entry and notice stand or fall together.
 */
export interface PreparedPasswordWrite {
  commit(tx: StoreTx): Promise<void>;
}

/** The place that really holds passwords: the built-in SQL user store, LDAP, Active Directory. */
export interface Directory {
  /**
   * Finds exactly one account by a normalized identifier (username or email).
   * Several matches are no match: the caller must not be able to tell the difference.
   */
  findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null>;
  /** Re-reads an account found earlier (between the steps of a flow it may have been disabled or removed). */
  findById(tenantId: string, id: string): Promise<DirectoryAccount | null>;
  /** Checks a password of an account; false for wrong passwords, disabled accounts or accounts without one. */
  verifyPassword(account: DirectoryAccount, password: string): Promise<boolean>;
  /** Spends the same time as a real verification, for the paths where no account was found. */
  verifyDummy(password: string): Promise<void>;
  /**
   * Prepares setting a new password (an administrator's reset: no old password); committing it also clears a
   * lockout where the directory supports that. A commit the directory's own policy refuses throws
   * `password_rejected` with `details.reasons` (`PasswordRejection[]`); an unreachable directory throws
   * `directory_unavailable`. A commit never returns unless the password was written.
   */
  preparePasswordWrite(account: DirectoryAccount, newPassword: string): Promise<PreparedPasswordWrite>;
  /**
   * Prepares a person's own change of their password. The old password is checked now: wrong, or the account
   * disabled or gone, throws `invalid_credentials` (one answer for all three). The commit writes as the person,
   * so the directory applies its rules for a user change (history, minimum age) and throws `password_rejected`
   * with reasons, or `directory_unavailable`, like `preparePasswordWrite`.
   */
  changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite>;
  /**
   * Ends a lockout after failed sign-ins, so `locked` reads false. Does not enable a disabled account.
   * Throws `flow_invalid` when the account no longer exists, `directory_unavailable` when unreachable.
   */
  unlock(account: DirectoryAccount): Promise<void>;
}
