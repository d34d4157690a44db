import { isUnlatchError } from '../../core/errors.js';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { Directory, DirectoryAccount, PasswordWriteOptions, PreparedPasswordWrite } from '../../core/ports/directory.js';
import type { StoreTx } from '../../core/ports/store.js';

/**
 * `alsoWriteTo`: after a password is written to the directory an account lives in (the primary), the same
 * password goes to each named secondary directory, to the account there with the same username. The outcome
 * of each is reported, never hidden, and never changes the primary's: the person's password is set where
 * they sign in; a copy that failed is for an administrator to fix (the audit entry says where).
 */

/** What became of one copy of a password. Never holds the password. */
export interface SecondaryWriteReport {
  tenantId: string;
  /** The account whose password was written, as callers know it. */
  subjectId: string;
  /** The directory the account lives in. */
  primary: string;
  /** The directory that was to get the copy. */
  directory: string;
  outcome: 'success' | 'failure';
  /**
   * Why it failed: `not_found` (no single account there with this username), `account_unavailable` (found,
   * but gone or disabled when written), or the error code (`directory_unavailable`, `password_rejected`, …).
   */
  reason?: string;
  /** The secondary directory's own refusal reasons (`password_rejected`), as codes. */
  reasons?: string[];
  /** The account's id in the secondary directory, as callers know it, when one was found. */
  accountId?: string;
}

/** A prepared copy: its commit never throws, it reports. */
export interface SecondaryWrite {
  commit(tx: StoreTx): Promise<SecondaryWriteReport>;
}

/** Runs directory work, counting failures (the router's guard). */
export type Guarded = <T>(operation: 'lookup' | 'write', work: () => Promise<T>) => Promise<T>;

/** Everything needed to prepare one copy. */
export interface SecondaryTarget {
  tenantId: string;
  /** The primary's account: its id as callers know it, and the username to look for. */
  account: Pick<DirectoryAccount, 'id' | 'username'>;
  primary: string;
  name: string;
  directory: Directory;
  /** The id callers would know the secondary's account by. */
  outerId(inner: DirectoryAccount): string;
  guard: Guarded;
}

/**
 * Finds the person in the secondary directory and prepares the write there, before the primary commits (the
 * slow parts, such as hashing for the built-in directory, stay outside the store transaction). A failure to
 * prepare becomes a report that the commit hands back.
 */
export async function prepareSecondaryWrite(target: SecondaryTarget, newPassword: string, options: PasswordWriteOptions = {}): Promise<SecondaryWrite> {
  const base = { tenantId: target.tenantId, subjectId: target.account.id, primary: target.primary, directory: target.name };
  const failed = (error: unknown, accountId?: string): SecondaryWriteReport => ({ ...base, outcome: 'failure', ...reasonOf(error), ...(accountId ? { accountId } : {}) });
  let found: DirectoryAccount | null = null;
  let write: PreparedPasswordWrite;
  try {
    const username = normalizeIdentifier(target.account.username);
    found = await target.guard('lookup', () => target.directory.findByIdentifier(target.tenantId, username));
    // The lookup also matches email addresses: only an account whose *username* is this one is the same person.
    if (!found || normalizeIdentifier(found.username) !== username) return reported({ ...base, outcome: 'failure', reason: 'not_found' });
    const account = found;
    // A one-time password stays one in the copy, where that directory can mark it (the person's own change clears it everywhere).
    const mustChange = options.mustChange === true && target.directory.supportsMustChange?.(account) === true;
    write = await target.guard('write', () => target.directory.preparePasswordWrite(account, newPassword, mustChange ? { mustChange } : {}));
  } catch (error) {
    return reported(failed(error, found ? target.outerId(found) : undefined));
  }
  const accountId = target.outerId(found);
  return {
    async commit(tx) {
      try {
        await target.guard('write', () => write.commit(tx));
        return { ...base, outcome: 'success', accountId };
      } catch (error) {
        return failed(error, accountId);
      }
    },
  };
}

function reported(report: SecondaryWriteReport): SecondaryWrite {
  return { commit: async () => report };
}

function reasonOf(error: unknown): Pick<SecondaryWriteReport, 'reason' | 'reasons'> {
  if (!isUnlatchError(error)) return { reason: 'internal' };
  if (error.code === 'flow_invalid') return { reason: 'account_unavailable' };
  if (error.code === 'password_rejected') {
    const reasons = Array.isArray(error.details.reasons) ? error.details.reasons.map((r) => String((r as { code?: unknown }).code ?? 'rejected')) : [];
    return { reason: 'password_rejected', reasons };
  }
  return { reason: error.code };
}
