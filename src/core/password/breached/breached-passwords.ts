/**
 * A set of passwords known from data breaches (the Pwned Passwords list), checked offline: neither the
 * password nor a hash of it leaves the server. Lookups may answer true for a password that is not in the set,
 * about 1 time in 256 (a membership filter); never false for one that is.
 *
 * Synchronous on purpose: the password rules run synchronously in every flow, and a lookup is three reads of
 * one byte each from a file the OS keeps in its page cache (see docs/breached-passwords.md).
 */
export interface BreachedPasswords {
  /** @param password the candidate exactly as typed (the list hashes passwords as they were, case and all) */
  has(password: string): boolean;
}
