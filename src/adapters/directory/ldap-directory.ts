import { randomBytes, randomUUID } from 'node:crypto';
import { Attribute, Change, InvalidDNSyntaxError, NoSuchObjectError, type Client, type Entry } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import type {
  Directory,
  DirectoryAccount,
  DirectoryAccountDetails,
  DirectoryPasswordRules,
  ListPeopleOptions,
  PasswordWriteOptions,
  PreparedPasswordWrite,
} from '../../core/ports/directory.js';
import { readLdapAccountDetails } from './ldap-account-details.js';
import { EmptyPasswordError, LdapConnector } from './ldap-connection.js';
import { isWithin } from './ldap-dn.js';
import { LOCKED_TIME, PERMANENT_LOCK, accountAttributes, accountOf, firstOf } from './ldap-entry.js';
import { escapeFilterValue, fillFilter } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import { asDirectoryError, isInvalidCredentials } from './ldap-failure.js';
import { groupsOf, groupsOfNobody } from './ldap-groups.js';
import { clearLockout } from './ldap-lockout.js';
import { resolveLdapOptions, type LdapDirectoryOptions, type ResolvedLdapOptions } from './ldap-options.js';
import { listPaged } from './ldap-paged.js';
import { LdapPasswordWrites, PWD_RESET } from './ldap-password-writes.js';
import { parsedScopeFilter, searchLdapPeople } from './ldap-people.js';
import { pageSizeOf, searchLimitOf, searchTextOf } from './people-query.js';
import { readLdapPasswordRules } from './ldap-password-rules.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An OpenLDAP (or any RFC 4511 server with ppolicy) directory as the Directory port.
 *
 * - Account ids are `entryUUID` by default: a DN changes when an entry is renamed or moved, and a flow that
 *   stored the old DN would then fail or, worse, meet a different entry that took the name.
 * - Every operation opens its own connection (see LdapConnector); passwords are checked by binding as the
 *   person on a connection of their own, never on the service account's.
 * - Any failure that is not a wrong password or a policy refusal is `directory_unavailable`.
 */
export class LdapDirectory implements Directory {
  private readonly options: ResolvedLdapOptions;
  private readonly connector: LdapConnector;
  private readonly writes: LdapPasswordWrites;
  /** A DN under the base that no entry has: binding to it costs what a real bind costs, and always fails. */
  private readonly nobodyDn: string;

  /** Throws LdapOptionsError for an unsafe or incomplete configuration (e.g. `ldap://` without TLS). */
  constructor(options: LdapDirectoryOptions) {
    this.options = resolveLdapOptions(options);
    // `insecure` here means passwords in clear text (a loopback test server): person binds go out as asked.
    this.connector = new LdapConnector(this.options, { personBinds: 'send' });
    this.writes = new LdapPasswordWrites(this.connector, this.options);
    this.nobodyDn = `cn=unlatch-nobody-${randomUUID()},${this.options.baseDn}`;
  }

  async findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null> {
    if (tenantId !== this.options.tenantId || normalizedIdentifier.length === 0) return null;
    return this.guard(() =>
      this.connector.asService(async (client) => {
        // Escaped into the filter: `*`, `(`, `)`, `\` and NUL from a person's input stay literal characters.
        const entries = await this.search(client, fillFilter(this.options.userFilter, normalizedIdentifier));
        // SECURITY.md: several matches (a shared email) are no match.
        if (entries.length !== 1) {
          await groupsOfNobody(client, this.options);
          return null;
        }
        return this.toAccount(client, entries[0]!);
      }),
    );
  }

  async findById(tenantId: string, id: string): Promise<DirectoryAccount | null> {
    if (tenantId !== this.options.tenantId) return null;
    return this.guard(() =>
      this.connector.asService(async (client) => {
        const entry = await this.locate(client, id);
        return entry ? this.toAccount(client, entry) : null;
      }),
    );
  }

  async verifyPassword(account: DirectoryAccount, password: string): Promise<boolean> {
    return this.guard(async () => {
      const entry = await this.entryOf(account);
      if (!entry) {
        await this.bindNobody();
        return false;
      }
      const bound = await this.bindAs(entry.dn, password);
      // With ppolicy loaded the bind of a disabled account fails anyway; without it the lock is only data.
      return bound && firstOf(entry, [LOCKED_TIME]) !== PERMANENT_LOCK;
    });
  }

  async verifyDummy(_password: string): Promise<void> {
    // The same two round trips as verifyPassword: a search on the service connection (for an id nobody
    // has), then a bind on a fresh connection (as a DN nobody has). What the person typed is not sent.
    await this.guard(async () => {
      await this.connector.asService((client) => this.locate(client, randomUUID()));
      await this.bindNobody();
    });
  }

  /**
   * An administrator's reset; with `mustChange`, ppolicy's `pwdReset: TRUE` too (the service account needs
   * write access to it; binds then answer "change after reset" where the policy has `pwdMustChange: TRUE`).
   */
  async preparePasswordWrite(account: DirectoryAccount, newPassword: string, options: PasswordWriteOptions = {}): Promise<PreparedPasswordWrite> {
    const entry = await this.guard(() => this.entryOf(account));
    if (!entry) throw new UnlatchError('flow_invalid');
    // A reset does not enable an account an administrator disabled (ppolicy would drop the lock on a reset).
    if (firstOf(entry, [LOCKED_TIME]) === PERMANENT_LOCK) throw new UnlatchError('flow_invalid');
    // The store transaction is not the directory's: the write happens when the flow commits, and a refusal
    // thrown here rolls the flow's transaction back with it.
    return { commit: () => this.guard(() => this.writes.reset(entry, newPassword, options)) };
  }

  /** ppolicy's `pwdReset` marks a one-time password (see preparePasswordWrite for what it needs). */
  supportsMustChange(): boolean {
    return true;
  }

  /** ppolicy's `pwdReset: TRUE` on the current password (an incident's forced reset); disabled or gone: `flow_invalid`. */
  async requirePasswordChange(account: DirectoryAccount): Promise<PreparedPasswordWrite> {
    const entry = await this.guard(() => this.entryOf(account));
    if (!entry || firstOf(entry, [LOCKED_TIME]) === PERMANENT_LOCK) throw new UnlatchError('flow_invalid');
    return { commit: () => this.guard(() => this.connector.asService((client) => client.modify(entry.dn, new Change({ operation: 'replace', modification: new Attribute({ type: PWD_RESET, values: ['TRUE'] }) })))) };
  }

  async changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite> {
    const entry = await this.guard(() => this.entryOf(account));
    const usable = entry !== null && firstOf(entry, [LOCKED_TIME]) !== PERMANENT_LOCK;
    if (!usable) await this.guard(() => this.bindNobody());
    if (!usable || !(await this.guard(() => this.bindAs(entry.dn, oldPassword)))) throw new UnlatchError('invalid_credentials');
    return { commit: () => this.guard(() => this.writes.change(entry, oldPassword, newPassword)) };
  }

  /** A directory of its own, perhaps replicated: a written password is proven by binding as the person. */
  checksWritesBySignIn(): boolean {
    return true;
  }

  /**
   * Ends a lockout; the entry is read again first and after the delete, and the unlock is reported only when
   * the entry then carries no lock. A disabled account (the administrator's permanent lock, now or by the
   * time of the delete) is `flow_invalid`: unlocking does not enable it. A lock still there afterwards (a
   * new lockout came in between) is `directory_unavailable`: the unlock did not happen.
   */
  async unlock(account: DirectoryAccount): Promise<void> {
    await this.guard(() =>
      this.connector.asService(async (client) => {
        const entry = account.tenantId === this.options.tenantId ? await this.locate(client, account.id) : null;
        if (!entry) throw new UnlatchError('flow_invalid');
        const outcome = await clearLockout(client, entry.dn);
        if (outcome === 'gone' || outcome === 'disabled') throw new UnlatchError('flow_invalid');
        if (outcome === 'still_locked') {
          throw new UnlatchError('directory_unavailable', { reason: 'lock_remains' }, 'the account is still locked after the unlock (a new lockout came in between)');
        }
      }),
    );
  }

  /** The ppolicy rules of the person's policy entry (theirs, else `passwordPolicyDn`); null when unreadable. */
  async passwordRules(account: DirectoryAccount): Promise<DirectoryPasswordRules | null> {
    if (account.tenantId !== this.options.tenantId) return null;
    return this.connector
      .asService(async (client) => {
        const entry = await this.locate(client, account.id);
        return entry ? readLdapPasswordRules(client, entry, this.options.passwordPolicyDn) : null;
      })
      .catch(() => null);
  }

  /** People whose username, email or display name contains `text` (case-insensitive, escaped), in username order. */
  async searchPeople(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    const wanted = searchTextOf(text);
    const max = searchLimitOf(limit);
    if (tenantId !== this.options.tenantId || wanted === '' || max === 0) return [];
    return this.guard(() => this.connector.asService((client) => searchLdapPeople(client, this.options, wanted, max, (entry) => this.toAccount(client, entry))));
  }

  /** Everyone `userFilter` could find, by Simple Paged Results on one service connection (see listPaged). */
  async *listPeople(tenantId: string, options?: ListPeopleOptions): AsyncIterable<DirectoryAccount> {
    const pageSize = pageSizeOf(options);
    if (tenantId !== this.options.tenantId) return;
    yield* listPaged({
      connector: this.connector,
      baseDn: this.options.baseDn,
      filter: parsedScopeFilter(this.options.userFilter),
      attributes: accountAttributes(this.options),
      pageSize,
      toAccount: (client, entry) => this.toAccount(client, entry),
      fail: asDirectoryError,
    });
  }

  /** ppolicy's dates for the account (see readLdapAccountDetails); `{}` when it is gone or another tenant's. */
  async accountDetails(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    if (account.tenantId !== this.options.tenantId) return {};
    return this.guard(() =>
      this.connector.asService(async (client) => {
        const entry = await this.locate(client, account.id);
        return entry ? readLdapAccountDetails(client, entry, this.options) : {};
      }),
    );
  }

  /** The entry of an account found earlier, read again (it may have moved, been disabled or removed). */
  private entryOf(account: DirectoryAccount): Promise<Entry | null> {
    if (account.tenantId !== this.options.tenantId) return Promise.resolve(null);
    return this.connector.asService((client) => this.locate(client, account.id));
  }

  /** The one entry with this account id under the base DN, or null. */
  private async locate(client: Client, id: string): Promise<Entry | null> {
    if (this.options.idAttribute === 'entryUUID') {
      // An id that is not a UUID was not issued by us; asking the server would only invite a syntax error.
      const filter = `(entryUUID=${escapeFilterValue(UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000')})`;
      const entries = await this.search(client, filter);
      return entries.length === 1 ? entries[0]! : null;
    }
    if (!isWithin(id, this.options.baseDn)) return null;
    try {
      const { searchEntries } = await client.search(id, { scope: 'base', filter: '(objectClass=*)', attributes: accountAttributes(this.options) });
      return searchEntries[0] ?? null;
    } catch (error) {
      if (error instanceof NoSuchObjectError || error instanceof InvalidDNSyntaxError) return null;
      throw error;
    }
  }

  /** People under the base DN matching `filter`; at most two, which is all "exactly one" needs. */
  private async search(client: Client, filter: string): Promise<Entry[]> {
    const { searchEntries } = await client.search(this.options.baseDn, {
      scope: 'sub',
      // Parsed here, not by ldapts: its parser would send an escaped non-ASCII byte (`jürgen`) as two bytes.
      filter: parseFilter(filter),
      attributes: accountAttributes(this.options),
      sizeLimit: 2,
    });
    return searchEntries;
  }

  private async toAccount(client: Client, entry: Entry): Promise<DirectoryAccount | null> {
    return accountOf(entry, await groupsOf(client, entry, this.options), this.options);
  }

  /** True when `password` is the entry's password: the server accepted a bind with it. */
  private async bindAs(dn: string, password: string): Promise<boolean> {
    try {
      return await this.connector.asPerson(dn, password, async () => true);
    } catch (error) {
      if (error instanceof EmptyPasswordError) {
        await this.bindNobody();
        return false;
      }
      if (isInvalidCredentials(error)) return false;
      throw error;
    }
  }

  /** A bind that costs what a real one does and cannot succeed (no such entry), with a throwaway password. */
  private async bindNobody(): Promise<void> {
    try {
      await this.connector.asPerson(this.nobodyDn, randomBytes(18).toString('base64url'), async () => undefined);
    } catch (error) {
      if (!isInvalidCredentials(error)) throw error;
    }
  }

  /** Every failure leaves as a typed UnlatchError. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asDirectoryError(error);
    }
  }
}
