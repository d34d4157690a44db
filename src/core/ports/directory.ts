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
  /**
   * The person's languages where the directory keeps them (LDAP/AD `preferredLanguage`, RFC 2798: Accept-Language
   * syntax such as `de, en;q=0.5`): notices and reminders outside a flow are written in the best loaded one.
   */
  preferredLanguage?: string;
  groups: string[];
  /**
   * Values of the extra attributes the policy reads (`policy.*.serviceAccounts.attribute`), by lower-case
   * attribute name; absent names left out. Absent when no such attribute is configured (and for the built-in store).
   */
  attributes?: Record<string, string[]>;
  enabled: boolean;
  locked: boolean;
  /**
   * The person's own contact data read from the attributes named by the directory's `contactAttributes`
   * (AD `otherMailbox`, `mobile`, a custom attribute): every value of each, normalised (addresses with a
   * lower-case domain, phones in E.164), invalid ones and the directory's primary `email` left out, each once.
   * Absent when the directory maps no contact attributes (and for the built-in store).
   */
  contacts?: DirectoryContacts;
}

/** Personal addresses and phone numbers a directory holds for a person, beside its primary `email`. */
export interface DirectoryContacts {
  emails: string[];
  /** E.164 (`+4917…`). */
  phones: string[];
}

/** Choices for an administrator's password write. */
export interface PasswordWriteOptions {
  /**
   * A one-time password: the person must choose their own at the next sign-in (AD `pwdLastSet = 0`, OpenLDAP
   * ppolicy `pwdReset: TRUE`, the built-in store's `must_change` flag). Only where `supportsMustChange` says so.
   */
  mustChange?: boolean;
}

/** Choices for a password check. */
export interface VerifyPasswordOptions {
  /**
   * Count a password as right when the directory refuses the sign-in only because it must be changed first:
   * a one-time password, or an expired one (AD says so, data 773 / 532, only for the right password). For
   * proving a one-time password just written, and for the person's change of such a password; never for
   * signing in to anything else.
   */
  acceptMustChange?: boolean;
}

/**
 * A password write prepared outside the store transaction (slow work such as hashing happens here)
 * and committed inside it, so the write, its flow transition, audit entry and notice stand or fall together.
 */
export interface PreparedPasswordWrite {
  commit(tx: StoreTx): Promise<void>;
}

/**
 * What the directory itself requires of a new password, where it can tell: shown before the person types, so
 * its refusals ("used recently", "too young") surprise nobody. Every field is optional: a directory says what it knows.
 */
export interface DirectoryPasswordRules {
  /** Fewest characters the directory accepts. */
  minLength?: number;
  /** How many previous passwords may not be used again. */
  historyLength?: number;
  /** AD-style complexity: three of upper case, lower case, digits, symbols; not the account name. */
  complexity?: boolean;
  /** Seconds that must pass between two changes. */
  minAgeSeconds?: number;
}

/**
 * What a directory tells of an account beyond DirectoryAccount, for the operator console. Every field
 * optional: a directory says what it knows (undefined: cannot tell; null: it tells that there is none).
 */
export interface DirectoryAccountDetails {
  /** Which of the tenant's directories holds it (its configured name); filled in by the router. */
  directory?: string;
  /** When the password was last set (ppolicy `pwdChangedTime`, AD `pwdLastSet`); null when never or unknown to the directory. */
  passwordLastSetAt?: Date | null;
  /** When the password expires, where the directory's policy says (ppolicy pwdMaxAge, AD maxPwdAge / msDS-UserPasswordExpiryTimeComputed); null: never. */
  passwordExpiresAt?: Date | null;
  /** When the current lockout began (ppolicy `pwdAccountLockedTime`, AD `lockoutTime`); null when not locked out. */
  lockedAt?: Date | null;
  /**
   * True when the password is a one-time one the person must change at their next sign-in (AD `pwdLastSet`
   * 0, ppolicy `pwdReset`, the built-in store's flag); false when the directory tells it is not.
   */
  mustChangePassword?: boolean;
  /** Extra plain facts worth showing (e.g. `distinguishedName`), never secrets or hashes. */
  attributes?: Record<string, string>;
}

/** How `listPeople` reads a directory. */
export interface ListPeopleOptions {
  /** Accounts fetched per request (LDAP Simple Paged Results page, SQL keyset page): 1–1000, default 500. */
  pageSize?: number;
}

/** How `findById` may answer. */
export interface FindByIdOptions {
  /** Read the directory now: no cached copy (and refresh any cache with what was read). */
  fresh?: boolean;
}

/** The place that really holds passwords: the built-in SQL user store, LDAP, Active Directory. */
export interface Directory {
  /**
   * Finds exactly one account by a normalized identifier (username or email).
   * Several matches are no match: the caller must not be able to tell the difference.
   */
  findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null>;
  /**
   * Re-reads an account found earlier (between the steps of a flow it may have been disabled or removed).
   * `fresh: true` asks for the directory's answer as of now, never a copy kept for a while (the router's
   * `groupCacheSeconds` cache): callers pass it before a write or an unlock, which must not act on an
   * account disabled a moment ago. Adapters read the directory every time and may ignore it.
   */
  findById(tenantId: string, id: string, options?: FindByIdOptions): Promise<DirectoryAccount | null>;
  /**
   * Checks a password of an account; false for wrong passwords, disabled accounts or accounts without one.
   * Where the directory refuses a sign-in until a one-time password is changed (AD), that password is false
   * unless `acceptMustChange`; where it lets the person sign in with it (ppolicy, the built-in store) it is
   * true either way, and `accountDetails().mustChangePassword` tells the mark.
   */
  verifyPassword(account: DirectoryAccount, password: string, options?: VerifyPasswordOptions): Promise<boolean>;
  /**
   * Spends the same time as a real verification, for the paths where no account was found. `tenantId`, when
   * given, names the tenant whose directories' cost to imitate (a tenant may be served by several, of
   * different kinds: the router runs each one's dummy check at once, so the cost is that of the slowest).
   */
  verifyDummy(password: string, tenantId?: string): Promise<void>;
  /**
   * Prepares setting a new password (an administrator's reset: no old password); committing it also clears a
   * lockout where the directory supports that. A commit the directory's own policy refuses throws
   * `password_rejected` with `details.reasons` (`PasswordRejection[]`); an unreachable directory throws
   * `directory_unavailable`. A commit never returns unless the password was written.
   *
   * `mustChange` (where `supportsMustChange`) makes it a one-time password: the commit returns only when the
   * password and the must-change mark are both written; a mark that could not be written after the password
   * was is `directory_unavailable` (reason `must_change_not_set`), never a silent half. Any later write without
   * `mustChange` (a reset, the person's own change) clears the mark.
   */
  preparePasswordWrite(account: DirectoryAccount, newPassword: string, options?: PasswordWriteOptions): Promise<PreparedPasswordWrite>;
  /** Whether `preparePasswordWrite` can mark a password as one to change at next sign-in for this account. */
  supportsMustChange?(account: DirectoryAccount): boolean;
  /**
   * Prepares marking the account's current password as one to change at the next sign-in, without setting a
   * password (an incident's forced reset, docs/incident-response.md): ppolicy `pwdReset: TRUE`, AD
   * `pwdLastSet = 0`, the built-in store's `must_change` flag. The commit writes it (the built-in store inside
   * `tx`; LDAP and AD directly) and never returns unless the mark is there. Gone or disabled: `flow_invalid`;
   * unreachable or refused: `directory_unavailable`. Only where `supportsMustChange` says so.
   */
  requirePasswordChange?(account: DirectoryAccount): Promise<PreparedPasswordWrite>;
  /**
   * Prepares a person's own change of their password. The old password is checked now: wrong, or the account
   * disabled or gone, throws `invalid_credentials` (one answer for all three). The commit writes as the person,
   * so the directory applies its rules for a user change (history, minimum age) and throws `password_rejected`
   * with reasons, or `directory_unavailable`, like `preparePasswordWrite`.
   */
  changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite>;
  /**
   * Ends a lockout after failed sign-ins, so `locked` reads false. Does not enable a disabled account.
   * Throws `flow_invalid` when the account no longer exists or is disabled (read again at the unlock: it
   * may have been disabled since it was found), `directory_unavailable` when unreachable or when the lock
   * is still there afterwards. Never returns unless the account is unlocked.
   */
  unlock(account: DirectoryAccount): Promise<void>;
  /**
   * Whether a written password should be proven by signing in as the person afterwards (a directory of its own,
   * possibly replicated: LDAP, AD). Absent or false: the write is part of the store's transaction (built-in).
   */
  checksWritesBySignIn?(account: DirectoryAccount): boolean;
  /**
   * The directory's own password rules for this person, where it can read them (AD's domain policy or the
   * person's PSO, OpenLDAP's ppolicy entry); null when it cannot tell. Never throws for a rule it cannot read.
   */
  passwordRules?(account: DirectoryAccount): Promise<DirectoryPasswordRules | null>;
  /**
   * The rules the directory applies to everyone of the tenant, before anyone is known (AD's domain policy): the
   * change page shows them before the first try, as the reset page shows a proven person's own. A person may be
   * under other rules (an AD PSO), which only `passwordRules` can tell. Null when the directory cannot tell or the
   * tenant's people are spread over several directories. Never throws; answers may be up to a minute old.
   */
  tenantPasswordRules?(tenantId: string): Promise<DirectoryPasswordRules | null>;
  /**
   * People of the tenant whose username, email or display name contains `text`, case-insensitively (the
   * operator console's search). `text` is data, never syntax: LDAP filter metacharacters are escaped, SQL
   * `LIKE` wildcards match themselves. At most `limit` accounts; empty (or blank) text finds none. Text with
   * control characters or over 256 characters, or a limit outside 0–1000: `invalid_request`.
   * Unreachable: `directory_unavailable`.
   */
  searchPeople?(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]>;
  /**
   * Every person of the tenant in the directory's scope (the accounts a lookup could find), fetched page by
   * page (LDAP Simple Paged Results, AD paged and ranged reads, SQL keyset), so memory stays flat however
   * many there are. Unreachable (at the start or between pages): `directory_unavailable`.
   */
  listPeople?(tenantId: string, options?: ListPeopleOptions): AsyncIterable<DirectoryAccount>;
  /** What the directory tells of an account beyond DirectoryAccount (password dates, lock time). Gone: `{}`. */
  accountDetails?(account: DirectoryAccount): Promise<DirectoryAccountDetails>;
}
