import { ResultCodeError } from 'ldapts';

/**
 * What an Active Directory failure means, read from the LDAP result code and AD's diagnostic message.
 * Pure: no I/O, no Unlatch error types; `active-directory.ts` turns the meaning into an UnlatchError.
 *
 * AD puts the detail in the message text, not the result code:
 * - a failed bind is always result 49; `data <hex>` says why (`…AcceptSecurityContext error, data 775, v3839`);
 * - a refused password is result 19 (a person's change) or 53 (an administrator's reset) with a Windows
 *   error code first: `0000052D` = ERROR_PASSWORD_RESTRICTION. Windows stops there; Samba adds which rule
 *   (`check_password_restrictions: the password is too short…`).
 */

/** Why AD refused a logon (a bind, or the old password of a change). */
export type AdLogonProblem =
  /** Wrong password, or no such account (`data 52e`, `data 525`, `00000056` on a change). */
  | 'invalid_credentials'
  /** The password is right, but an administrator requires a new one first (`data 773`, pwdLastSet = 0). */
  | 'must_change_password'
  /** Locked out by bad passwords (`data 775`; `00000775` on a change). AD says so whether or not the password was right. */
  | 'locked_out'
  /** Disabled by an administrator (`data 533`). */
  | 'disabled'
  /** The password is right but has expired (`data 532`). */
  | 'password_expired'
  /** The account itself has expired (`data 701`, accountExpires). */
  | 'account_expired'
  /** Not allowed to log on at this time (`data 530`, logonHours). */
  | 'logon_hours'
  /** Not allowed to log on from this workstation (`data 531`, userWorkstations). */
  | 'workstation';

/** Which password rule AD named, when it named one (Samba does, Windows does not). */
export type AdPasswordProblem = 'too_short' | 'complexity' | 'history' | 'too_young' | 'unspecified';

export type AdFailure =
  /** A logon failed; `problem` says why. */
  | { kind: 'logon'; problem: AdLogonProblem }
  /** The new password breaks a rule of the domain (or PSO). `minLength` when AD named the minimum. */
  | { kind: 'password'; problem: AdPasswordProblem; minLength?: number }
  /** The bound account may not do this (result 50): the service account lacks a delegated right. */
  | { kind: 'insufficient_rights' }
  /** AD wants an encrypted connection (results 8, 13). We never send passwords in clear, so: a misconfiguration. */
  | { kind: 'needs_encryption' }
  /** A critical control is not supported (result 12), e.g. the password-history hint on Samba. */
  | { kind: 'unsupported_control' }
  /** The entry is gone (result 32): deleted or moved out of the base between lookup and write. */
  | { kind: 'no_such_object' }
  /** The DC cannot be reached or answered busy / unavailable / too late. */
  | { kind: 'unavailable' }
  /** Anything else: a bug or a configuration we did not foresee. */
  | { kind: 'other' };

// MS-ERREF Win32 error codes AD uses in bind diagnostics (`data <hex>`).
const LOGON_DATA_CODES: Record<string, AdLogonProblem> = {
  '525': 'invalid_credentials',
  '52e': 'invalid_credentials',
  '530': 'logon_hours',
  '531': 'workstation',
  '532': 'password_expired',
  '533': 'disabled',
  '701': 'account_expired',
  '773': 'must_change_password',
  '775': 'locked_out',
};

/** The meaning of an LDAP result code and AD's diagnostic message. */
export function classifyAdResult(resultCode: number, message: string): AdFailure {
  const win32 = /^\s*([0-9a-f]{8}):/i.exec(message)?.[1]?.toLowerCase();
  switch (resultCode) {
    case 49: {
      const data = /\bdata ([0-9a-f]+)\b/i.exec(message)?.[1]?.toLowerCase();
      return { kind: 'logon', problem: (data && LOGON_DATA_CODES[data]) || 'invalid_credentials' };
    }
    case 19:
    case 53:
      // ERROR_INVALID_PASSWORD: the old password of a delete-old/add-new change did not match.
      if (win32 === '00000056') return { kind: 'logon', problem: 'invalid_credentials' };
      if (win32 === '00000775') return { kind: 'logon', problem: 'locked_out' };
      if (win32 === '0000052d' || /check_password_restrictions/i.test(message)) return passwordProblem(message);
      return { kind: 'other' };
    case 50:
      return { kind: 'insufficient_rights' };
    case 8:
    case 13:
      return { kind: 'needs_encryption' };
    case 12:
      return { kind: 'unsupported_control' };
    case 32:
      return { kind: 'no_such_object' };
    case 3:
    case 51:
    case 52:
      return { kind: 'unavailable' };
    default:
      return { kind: 'other' };
  }
}

/**
 * The meaning of anything an ldapts call threw. LDAP results go through {@link classifyAdResult}; a refused
 * or dropped connection, a timeout or a failed TLS handshake means the DC is unavailable. Anything else
 * (a TypeError from our own code) is `other`, so a bug is never reported as an outage.
 */
export function classifyAdError(error: unknown): AdFailure {
  if (error instanceof ResultCodeError) return classifyAdResult(error.code, error.message);
  if (!(error instanceof Error)) return { kind: 'other' };
  // Node's socket and TLS errors carry a string code (ECONNREFUSED, ETIMEDOUT, CERT_HAS_EXPIRED, ERR_TLS_…).
  if (typeof (error as NodeJS.ErrnoException).code === 'string') return { kind: 'unavailable' };
  // ldapts' own connection errors are plain Errors with these messages.
  if (/timed? ?out|socket|connection closed|connection not established|ECONNRESET/i.test(error.message)) return { kind: 'unavailable' };
  return { kind: 'other' };
}

function passwordProblem(message: string): AdFailure {
  // Samba names the rule; the phrases are from source4/dsdb/samdb/ldb_modules/password_hash.c.
  const tooShort = /too short.*?(\d+)\s+characters/i.exec(message);
  if (tooShort) return { kind: 'password', problem: 'too_short', minLength: Number(tooShort[1]) };
  if (/too short/i.test(message)) return { kind: 'password', problem: 'too_short' };
  if (/complexity/i.test(message)) return { kind: 'password', problem: 'complexity' };
  if (/already used|password history/i.test(message)) return { kind: 'password', problem: 'history' };
  if (/too young/i.test(message)) return { kind: 'password', problem: 'too_young' };
  return { kind: 'password', problem: 'unspecified' };
}
