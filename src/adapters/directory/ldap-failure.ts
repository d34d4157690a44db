import { InvalidCredentialsError, ResultCodeError } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';

/**
 * Turns anything an LDAP call threw into the typed error the flows understand. Our own typed errors pass
 * through; everything else (refused connection, timeout, TLS failure, a server that answers "busy", an ACL
 * that forbids what the service account needs) means the directory cannot do its part right now:
 * `directory_unavailable`, with the cause kept for the log. Never a success.
 */
export function asDirectoryError(error: unknown): UnlatchError {
  if (error instanceof UnlatchError) return error;
  const described = error instanceof ResultCodeError ? `LDAP result ${error.code}` : error instanceof Error ? error.message : 'unknown failure';
  const unavailable = new UnlatchError('directory_unavailable', {}, `directory unavailable: ${described}`);
  // The cause reaches the server log (pino prints it); it never carries a password: ldapts puts only the
  // server's diagnostic text and the operation name in its messages.
  unavailable.cause = error;
  return unavailable;
}

/** True when a bind failed because of the DN or password (or a lockout the server hides behind it). */
export function isInvalidCredentials(error: unknown): boolean {
  return error instanceof InvalidCredentialsError;
}
