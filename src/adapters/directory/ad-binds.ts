import { randomBytes, randomUUID } from 'node:crypto';
import { UnlatchError } from '../../core/errors.js';
import { classifyAdError } from './ad-errors.js';
import { asUnlatchError } from './ad-failure.js';
import type { LdapConnector } from './ldap-connection.js';

/**
 * Binds as a person against AD, each on a connection of its own: a password check, its dummy for nobody,
 * and the check of an old password before a change. AD answers a bind with a password that must be changed
 * (data 773) or has expired (532) only when the password is right: that is a "right, but" here, not a "wrong".
 */

/** True when AD answers the bind "must change now" (773) or "expired" (532): the password itself is right. */
function mustChangeFirst(error: unknown): boolean {
  const failure = classifyAdError(error);
  return failure.kind === 'logon' && (failure.problem === 'must_change_password' || failure.problem === 'password_expired');
}

/**
 * Whether `password` binds as `dn`. A logon refusal is false, except "must change first" with
 * `acceptMustChange`; anything else (an outage, TLS) throws, typed.
 */
export async function bindSucceeds(connector: LdapConnector, dn: string, password: string, acceptMustChange = false): Promise<boolean> {
  try {
    await connector.asPerson(dn, password, async () => undefined);
    return true;
  } catch (error) {
    if (acceptMustChange && mustChangeFirst(error)) return true;
    if (classifyAdError(error).kind === 'logon') return false;
    throw asUnlatchError(error, 'password check');
  }
}

/** A bind that costs what a real one does and cannot succeed: a random DN under `baseDn`, a random password. */
export async function dummyBind(connector: LdapConnector, baseDn: string): Promise<void> {
  const dn = `CN=${randomUUID()},${baseDn}`;
  await bindSucceeds(connector, dn, randomBytes(18).toString('base64')).catch((error: unknown) => {
    // Only an outage matters here, so that a missing account fails the same way a real one would.
    if (error instanceof UnlatchError && error.code === 'directory_unavailable') throw error;
  });
}

/**
 * Checks the old password of a change by a bind; says who may write the change: the person, or — when AD
 * refuses their logon only because the password must change or has expired — the service account (AD still
 * checks the old password in the delete/add). Throws `invalid_credentials` for a wrong one.
 */
export async function oldPasswordWriter(connector: LdapConnector, dn: string, oldPassword: string): Promise<'person' | 'service'> {
  try {
    await connector.asPerson(dn, oldPassword, async () => undefined);
    return 'person';
  } catch (error) {
    if (mustChangeFirst(error)) return 'service';
    throw asUnlatchError(error, 'password change');
  }
}
