import { Attribute, Change, type Client, type Entry } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import type { LdapConnector } from './ldap-connection.js';
import { PERMANENT_LOCK, firstOf, valuesOf } from './ldap-entry.js';
import { asDirectoryError, isInvalidCredentials } from './ldap-failure.js';
import { clearLockout, lockedTimeOf } from './ldap-lockout.js';
import type { ResolvedLdapOptions } from './ldap-options.js';
import { passwordModify } from './password-modify.js';
import { passwordPolicyControl, policyRefusalOf, rejectionOf } from './ppolicy-errors.js';

/**
 * The two ways a password reaches the directory. Each asks for the ppolicy response control, so a refusal
 * comes back as `password_rejected` with a reason a person can act on, and anything else that goes wrong
 * as `directory_unavailable`. Neither returns unless the server confirmed the write.
 */
export class LdapPasswordWrites {
  constructor(
    private readonly connector: LdapConnector,
    private readonly options: ResolvedLdapOptions,
  ) {}

  /**
   * An administrator's reset, as the service account: no old password. Because the service account is
   * not the rootdn, ppolicy still applies its length, quality and history rules to the write.
   */
  async reset(entry: Entry, newPassword: string, options: { mustChange?: boolean } = {}): Promise<void> {
    const control = passwordPolicyControl();
    const mustChange = options.mustChange === true;
    try {
      await this.connector.asService(async (client) => {
        // ppolicy drops even an administrator's permanent lock when a password is set by someone else, so a
        // reset would quietly enable a disabled account. Checked again here: it may have been disabled (or
        // removed) since.
        const lockedTime = await lockedTimeOf(client, entry.dn);
        if (lockedTime === null || lockedTime === PERMANENT_LOCK) throw new UnlatchError('flow_invalid');
        if (this.options.passwordWrite === 'password_modify') {
          // The extended operation cannot carry the mark: proven writable first, set right after the password.
          if (mustChange) await proveMustChangeWritable(client, entry.dn);
          await passwordModify(client, { userIdentity: entry.dn, newPassword }, [control]);
          if (mustChange) await markMustChange(client, entry.dn);
        } else {
          // One modify: ppolicy keeps a pwdReset written with the password (it clears it on any other write).
          const changes = [replace('userPassword', newPassword), ...(mustChange ? [replace(PWD_RESET, 'TRUE')] : [])];
          await client.modify(entry.dn, changes, control);
        }
        await clearLockoutAfterWrite(client, entry.dn);
      });
    } catch (error) {
      throw await this.refusalOrFailure(error, control, entry, newPassword);
    }
  }

  /**
   * A person's own change: bound as the person, Password Modify with old and new password, so the server
   * checks the old one and applies the rules for a user change (minimum age, `pwdAllowUserChange`).
   */
  async change(entry: Entry, oldPassword: string, newPassword: string): Promise<void> {
    const control = passwordPolicyControl();
    try {
      await this.connector.asPerson(entry.dn, oldPassword, (client) =>
        passwordModify(client, { userIdentity: entry.dn, oldPassword, newPassword }, [control]),
      );
    } catch (error) {
      if (isInvalidCredentials(error)) throw new UnlatchError('invalid_credentials');
      throw await this.refusalOrFailure(error, control, entry, newPassword);
    }
  }

  private async refusalOrFailure(error: unknown, control: ReturnType<typeof passwordPolicyControl>, entry: Entry, newPassword: string): Promise<UnlatchError> {
    const refusal = policyRefusalOf(error, control);
    if (refusal === null) return asDirectoryError(error);
    const minLength = refusal === 'too_short' ? await this.minLength(entry) : undefined;
    return new UnlatchError('password_rejected', { reasons: [rejectionOf(refusal, newPassword, minLength)] });
  }

  /** `pwdMinLength` of the policy that governs the entry (its own, else the configured default), if readable. */
  private async minLength(entry: Entry): Promise<number | undefined> {
    const policyDn = firstOf(entry, ['pwdPolicySubentry']) ?? this.options.passwordPolicyDn;
    if (policyDn === undefined) return undefined;
    try {
      const { searchEntries } = await this.connector.asService((client) =>
        client.search(policyDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdMinLength'] }),
      );
      const value = Number.parseInt(searchEntries[0] ? (firstOf(searchEntries[0], ['pwdMinLength']) ?? '') : '', 10);
      return Number.isInteger(value) && value > 0 ? value : undefined;
    } catch {
      // Only the wording of the refusal depends on it; the refusal itself stands.
      return undefined;
    }
  }
}

/**
 * ppolicy already ends a lockout when an administrator sets the password; this covers servers that do not.
 * The password is written by now: failing the whole reset over the lockout would tell the person it did not
 * happen when it did, so a failure here is left for the next unlock.
 */
async function clearLockoutAfterWrite(client: Client, dn: string): Promise<void> {
  await clearLockout(client, dn).catch(() => undefined);
}

/** ppolicy's mark of a password set by an administrator that the person must change (draft-behera 5.3.7). */
export const PWD_RESET = 'pwdReset';

function replace(type: string, value: string): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) });
}

/**
 * Writes `pwdReset` back as it is (a no-op the server still checks): an ACL that forbids the service account
 * to write it, or a server without ppolicy, fails here, before the password is written, not after.
 */
async function proveMustChangeWritable(client: Client, dn: string): Promise<void> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: [PWD_RESET] });
  const current = searchEntries[0] ? valuesOf(searchEntries[0], PWD_RESET) : [];
  await client.modify(dn, new Change({ operation: 'replace', modification: new Attribute({ type: PWD_RESET, values: current }) }));
}

/**
 * Sets `pwdReset: TRUE` after the password was written by the extended operation. The password is in place
 * by now: a failure here is `directory_unavailable` (`must_change_not_set`), so the caller never reports a
 * one-time password that the directory would let the person keep.
 */
async function markMustChange(client: Client, dn: string): Promise<void> {
  try {
    await client.modify(dn, replace(PWD_RESET, 'TRUE'));
  } catch (error) {
    const failure = new UnlatchError('directory_unavailable', { reason: 'must_change_not_set' }, 'the password was written but the directory refused to mark it as one to change');
    failure.cause = error;
    throw failure;
  }
}
