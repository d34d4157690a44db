import { UnlatchError } from '../../core/errors.js';
import { EmptyPasswordError, PlainConnectionError } from './ldap-connection.js';
import { classifyAdError, type AdFailure } from './ad-errors.js';
import { UnencodablePasswordError } from './ad-password.js';

/**
 * AD failures as the typed errors the flows understand. A refused password is not handled here: its
 * reasons need the domain's rules (see `ad-rejection.ts`). The cause is kept for the server log; ldapts and
 * AD put only diagnostic text in their messages, never a password.
 */

/** The UnlatchError for one of our own refusals, or null when `error` is not one. */
export function ownRefusal(error: unknown): UnlatchError | null {
  if (error instanceof UnlatchError) return error;
  if (error instanceof EmptyPasswordError) return new UnlatchError('invalid_credentials', { reason: 'empty_password' });
  if (error instanceof UnencodablePasswordError) return new UnlatchError('password_rejected', { reasons: [{ code: 'not_printable' }] });
  if (error instanceof PlainConnectionError) return withCause(new UnlatchError('internal', { reason: 'insecure_transport' }, error.message), error);
  return null;
}

/**
 * The UnlatchError for anything a directory call threw, where a refused password is not expected (lookups,
 * binds, unlock). `action` names what was tried, for the log.
 */
export function asUnlatchError(error: unknown, action: string): UnlatchError {
  return ownRefusal(error) ?? adFailureError(classifyAdError(error), action, error);
}

/** The UnlatchError for an AD failure; a refused password here (where none was sent) counts as unexpected. */
export function adFailureError(failure: AdFailure, action: string, cause: unknown): UnlatchError {
  switch (failure.kind) {
    case 'logon':
      // One answer for a wrong password and every other logon refusal; `reason` is for the log and audit.
      return withCause(new UnlatchError('invalid_credentials', { reason: failure.problem }, `AD refused the logon (${failure.problem}) during ${action}`), cause);
    case 'unavailable':
      return withCause(new UnlatchError('directory_unavailable', {}, `AD unavailable during ${action}: ${describe(cause)}`), cause);
    case 'insufficient_rights':
      return internal(action, 'insufficient_rights', 'the service account lacks a delegated right (see docs/active-directory.md)', cause);
    case 'needs_encryption':
      return internal(action, 'needs_encryption', 'the DC requires an encrypted connection', cause);
    case 'unsupported_control':
      return internal(action, 'unsupported_control', 'the DC does not support LDAP_SERVER_POLICY_HINTS; set resetHistoryCheck to auto or off', cause);
    case 'no_such_object':
      return internal(action, 'no_such_object', 'an entry (baseDn, the account, or its PSO) does not exist', cause);
    case 'password':
    case 'other':
      return internal(action, 'unexpected', describe(cause), cause);
  }
}

function internal(action: string, reason: string, message: string, cause: unknown): UnlatchError {
  return withCause(new UnlatchError('internal', { reason }, `AD refused ${action}: ${message}`), cause);
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}

function withCause(error: UnlatchError, cause: unknown): UnlatchError {
  error.cause = cause;
  return error;
}
