import { randomBytes, randomUUID } from 'node:crypto';
import { Attribute, Change, type Client, type Control, type Entry, type Filter } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import type {
  Directory,
  DirectoryAccount,
  DirectoryAccountDetails,
  DirectoryPasswordRules,
  PasswordWriteOptions,
  PreparedPasswordWrite,
  VerifyPasswordOptions,
} from '../../core/ports/directory.js';
import { accountAttributes, isEnabled, text, toDirectoryAccount } from './ad-account.js';
import { bindSucceeds, dummyBind, oldPasswordWriter } from './ad-binds.js';
import { adConnector } from './ad-connection.js';
import { classifyAdError } from './ad-errors.js';
import { asUnlatchError, ownRefusal } from './ad-failure.js';
import { objectGuidFilter, personFilter } from './ad-filter.js';
import { groupReadFailure, readGroups } from './ad-groups.js';
import { guidFromString } from './ad-guid.js';
import type { LdapConnector } from './ldap-connection.js';
import { resolveAdOptions, type ActiveDirectoryOptions, type ResolvedAdOptions } from './ad-options.js';
import { encodeOldUnicodePwd, encodeUnicodePwd } from './ad-password.js';
import { shownRules, type AdPasswordRules } from './ad-password-rules.js';
import { TimedCache } from './timed-cache.js';
import { AdPeople, type AdListPeopleOptions } from './ad-people.js';
import { PolicyHintsControl } from './ad-policy-hints.js';
import { adRejectionReasons } from './ad-rejection.js';
import { readRootDse, type AdRootDse } from './ad-root-dse.js';
import { RESULTANT_PSO, readAdPasswordRules } from './ad-rules-reader.js';

/**
 * Microsoft Active Directory (or Samba AD) as a Directory.
 *
 * - Account id: objectGUID in its text form — it survives renames and moves, unlike the DN.
 * - Reset (administrator): the service account replaces `unicodePwd` (and clears `lockoutTime`) in one modify.
 * - Change (person): bound as the person, delete the old `unicodePwd` and add the new one in one modify, so AD
 *   checks the old password and applies history and minimum age as for any change.
 * - Every write runs on a fresh encrypted connection and only counts when AD answered success.
 */
export class ActiveDirectoryDirectory implements Directory {
  private readonly options: ResolvedAdOptions;
  private readonly connector: LdapConnector;
  private rootDse: Promise<AdRootDse> | null = null;

  private readonly people: AdPeople;
  private readonly domainRules = new TimedCache(async () => {
    const rules = await this.readPasswordRules().catch(() => null);
    return rules ? shownRules(rules) : null;
  });

  constructor(options: ActiveDirectoryOptions) {
    this.options = resolveAdOptions(options);
    this.connector = adConnector(this.options);
    this.people = new AdPeople({
      connector: this.connector,
      options: this.options,
      toAccount: (client, entry) => this.toAccount(client, entry),
      findDn: async (client, guid) => (await this.findOne(client, objectGuidFilter(guid), ['1.1']))?.dn ?? null,
      namingContext: async (client) => (await this.readRootDse(client)).defaultNamingContext,
    });
  }

  async findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null> {
    if (tenantId !== this.options.tenantId || normalizedIdentifier === '') return null;
    return this.run('lookup', () =>
      this.connector.asService(async (client) => {
        const person = await this.findOne(client, personFilter(this.options.userFilter, normalizedIdentifier));
        if (person) return this.toAccount(client, person);
        // No one, or several (no match either): the same group read as for a person, for a DN nobody has,
        // so an unknown identifier costs what a known one does (SECURITY.md: timing).
        await this.groupsOf(client, { dn: `CN=${randomUUID()},${this.options.baseDn}` });
        return null;
      }),
    );
  }

  async findById(tenantId: string, id: string): Promise<DirectoryAccount | null> {
    const guid = guidFromString(id);
    if (tenantId !== this.options.tenantId || !guid) return null;
    return this.run('lookup by id', () =>
      this.connector.asService(async (client) => {
        const person = await this.findOne(client, objectGuidFilter(guid));
        return person ? this.toAccount(client, person) : null;
      }),
    );
  }

  /** A bind as the person. AD refuses one with a password that must change first (773, 532): false unless `acceptMustChange`. */
  async verifyPassword(account: DirectoryAccount, password: string, options: VerifyPasswordOptions = {}): Promise<boolean> {
    // An empty password would be an unauthenticated bind, which AD answers with success.
    if (password === '' || account.tenantId !== this.options.tenantId) return false;
    const dn = await this.dnOf(account);
    if (dn === null) {
      await dummyBind(this.connector, this.options.baseDn);
      return false;
    }
    return bindSucceeds(this.connector, dn, password, options.acceptMustChange === true);
  }

  async verifyDummy(_password: string): Promise<void> {
    // The same round trips as verifyPassword: a lookup by objectGUID, then a bind that fails. The bind uses
    // a random DN and password: the typed one has no business travelling to the DC for nobody.
    await this.run('lookup by id', () => this.connector.asService((client) => this.findOne(client, objectGuidFilter(randomBytes(16)))));
    await dummyBind(this.connector, this.options.baseDn);
  }

  /**
   * Prepares an administrator's reset. Refused here, before any store transaction, when no TLS protects the
   * connection. `commit` replaces `unicodePwd` and, unless `unlockOnReset: false`, clears `lockoutTime`;
   * with `mustChange`, sets `pwdLastSet = 0` in the same modify (one operation: both or neither).
   */
  async preparePasswordWrite(account: DirectoryAccount, newPassword: string, options: PasswordWriteOptions = {}): Promise<PreparedPasswordWrite> {
    const value = this.encodeForWrite(newPassword);
    // Read again now, before the store transaction: a reset does not go to an account that is gone or was
    // disabled since it was found (a new password is no way to enable it). Checked again at the commit.
    await this.run('lookup by id', () => this.connector.asService((client) => this.requireDn(client, account, { enabled: true })));
    return {
      commit: async () => {
        await this.run('password reset', () =>
          this.connector.asService(async (client) => {
            const dn = await this.requireDn(client, account, { enabled: true });
            const changes = [replace('unicodePwd', value)];
            if (this.options.unlockOnReset) changes.push(replace('lockoutTime', '0'));
            if (options.mustChange) changes.push(replace('pwdLastSet', '0'));
            const controls = await this.resetControls(client);
            try {
              await client.modify(dn, changes, controls);
            } catch (error) {
              throw await this.writeError(error, 'password reset', account, newPassword);
            }
          }),
        );
      },
    };
  }

  /**
   * Prepares a person's own change; the old password is checked now, by binding as the person. Wrong,
   * disabled, locked out or gone: `invalid_credentials` (`details.reason` tells the log which). The commit
   * deletes the old `unicodePwd` and adds the new one in one modify, bound as the person, so AD checks the
   * old password again and applies history and minimum age as for any change.
   *
   * When AD refuses the person's logon only because the password must change or has expired (which it says
   * only for the right password), the commit runs the same delete/add as the service account: AD still
   * checks the old password, and a person told to change their password can.
   */
  async changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite> {
    const newValue = this.encodeForWrite(newPassword);
    const oldValue = encodeOldUnicodePwd(oldPassword);
    const dn = account.tenantId === this.options.tenantId && oldValue !== null ? await this.dnOf(account) : null;
    if (dn === null) {
      await dummyBind(this.connector, this.options.baseDn);
      throw new UnlatchError('invalid_credentials');
    }
    const writer = await oldPasswordWriter(this.connector, dn, oldPassword);
    const changes = [
      new Change({ operation: 'delete', modification: new Attribute({ type: 'unicodePwd', values: [oldValue!] }) }),
      new Change({ operation: 'add', modification: new Attribute({ type: 'unicodePwd', values: [newValue] }) }),
    ];
    const modify = (client: Client) => client.modify(dn, changes);
    return {
      commit: async () => {
        try {
          await (writer === 'person' ? this.connector.asPerson(dn, oldPassword, modify) : this.connector.asService(modify));
        } catch (error) {
          throw await this.writeError(error, 'password change', account, newPassword);
        }
      },
    };
  }

  /** A directory of its own, perhaps replicated: a written password is proven by binding as the person. */
  checksWritesBySignIn(): boolean {
    return true;
  }

  /** `pwdLastSet = 0` marks a one-time password (the service account needs Write pwdLastSet). */
  supportsMustChange(): boolean {
    return true;
  }

  /** `pwdLastSet = 0` on the current password (an incident's forced reset); disabled or gone: `flow_invalid`. */
  async requirePasswordChange(account: DirectoryAccount): Promise<PreparedPasswordWrite> {
    return { commit: () => this.writeAttribute(account, 'require password change', 'pwdLastSet', '0', { enabled: true }) };
  }

  /**
   * Clears a lockout: `lockoutTime = 0` (the only value AD accepts), which also resets the bad-password count.
   * The account is read again first: gone, or disabled (ACCOUNTDISABLE) by now, is `flow_invalid`.
   */
  async unlock(account: DirectoryAccount): Promise<void> {
    await this.writeAttribute(account, 'unlock', 'lockoutTime', '0', { enabled: true });
  }

  /** Makes the person choose a new password at their next logon: `pwdLastSet = 0`. */
  async setMustChangeAtNextLogon(account: DirectoryAccount): Promise<void> {
    await this.writeAttribute(account, 'must-change flag', 'pwdLastSet', '0');
  }

  /**
   * The password rules AD applies: the domain's (from the domain root), or, given an account with a PSO
   * that applies to it (`msDS-ResultantPSO`), that PSO's. When the PSO is not readable by the service
   * account, the domain's numbers come back with `psoUnreadable: true`.
   */
  /** AD's rules for the person as the portal shows them; null when a PSO applies that we may not read (the domain's numbers could mislead). */
  async passwordRules(account: DirectoryAccount): Promise<DirectoryPasswordRules | null> {
    const rules = await this.readPasswordRules(account).catch(() => null);
    if (!rules || rules.psoUnreadable) return null;
    return shownRules(rules);
  }

  /**
   * The domain's rules (pwdProperties, minPwdLength, history, minimum age from the domain root), for everyone
   * before anyone is known; read at most once a minute. A PSO may set other rules for some people.
   */
  async tenantPasswordRules(tenantId: string): Promise<DirectoryPasswordRules | null> {
    return tenantId === this.options.tenantId ? this.domainRules.get() : null;
  }

  async readPasswordRules(account?: DirectoryAccount): Promise<AdPasswordRules> {
    return this.run('password rules', () => this.connector.asService((client) => this.rulesFor(client, account)));
  }

  /** People whose sAMAccountName, email or display name contains `text`, in username order (see ad-people.ts). */
  searchPeople(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    return this.people.search(tenantId, text, limit);
  }

  /** Everyone a lookup could find: paged results, `memberOf` read in ranges (see ad-people.ts). */
  listPeople(tenantId: string, options?: AdListPeopleOptions): AsyncIterable<DirectoryAccount> {
    return this.people.list(tenantId, options);
  }

  /** Password dates and lock time of the account (see ad-account-details.ts); `{}` when it is gone. */
  accountDetails(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    return this.people.details(account);
  }

  private async rulesFor(client: Client, account?: DirectoryAccount): Promise<AdPasswordRules> {
    const { defaultNamingContext } = await this.readRootDse(client);
    const guid = account ? guidFromString(account.id) : null;
    const person = guid ? await this.findOne(client, objectGuidFilter(guid), [RESULTANT_PSO]) : null;
    return readAdPasswordRules(client, defaultNamingContext, person);
  }

  private async findOne(client: Client, filter: Filter, attributes = accountAttributes(this.options.attributes)): Promise<Entry | null> {
    const { searchEntries } = await client.search(this.options.baseDn, {
      scope: 'sub',
      filter,
      attributes,
      explicitBufferAttributes: ['objectGUID'],
      // Two are enough to know it is not exactly one (SECURITY.md: several matches are no match).
      sizeLimit: 2,
    });
    return searchEntries.length === 1 ? searchEntries[0]! : null;
  }

  private async toAccount(client: Client, person: Entry): Promise<DirectoryAccount | null> {
    return toDirectoryAccount(person, this.options.attributes, this.options.tenantId, await this.groupsOf(client, person));
  }

  /**
   * The person's groups. Nested: a paged in-chain search (and, the first time, a root DSE read), on the
   * lookup's connection; `findByIdentifier` runs the same for a DN nobody has when it matched no one.
   *
   * Any failure is `directory_unavailable`, for a person and for nobody alike, so a group base that is
   * wrong or a DC that fails the search answers a known and an unknown identifier the same way. What stays
   * visible: a failure only a real person's search can meet (a time limit on a very deep nesting) fails
   * that person's lookup alone.
   */
  private async groupsOf(client: Client, person: Entry): Promise<string[]> {
    const { nested, baseDn } = this.options.groups;
    try {
      // Groups often live outside the people's OU: a nested search covers the whole domain unless told otherwise.
      const groupBase = nested ? (baseDn ?? (await this.readRootDse(client)).defaultNamingContext) : '';
      return await readGroups(client, person, { nested, baseDn: groupBase });
    } catch (error) {
      throw groupReadFailure(error);
    }
  }

  /** The current DN of an account (it may have been renamed or moved since it was found); null when gone. */
  private async dnOf(account: DirectoryAccount): Promise<string | null> {
    const guid = guidFromString(account.id);
    if (!guid) return null;
    return this.run('lookup by id', () =>
      this.connector.asService(async (client) => (await this.findOne(client, objectGuidFilter(guid), ['1.1']))?.dn ?? null),
    );
  }

  /**
   * The current DN of an account, read on `client`. Gone (or another tenant's): `flow_invalid`. With
   * `enabled`, also `flow_invalid` when the account is disabled now (userAccountControl ACCOUNTDISABLE).
   */
  private async requireDn(client: Client, account: DirectoryAccount, options: { enabled?: boolean } = {}): Promise<string> {
    const guid = guidFromString(account.id);
    const person = guid && account.tenantId === this.options.tenantId ? await this.findOne(client, objectGuidFilter(guid), ['userAccountControl']) : null;
    // The account went away between the steps of the flow: the flow is over, as with the SQL directory.
    if (!person) throw new UnlatchError('flow_invalid');
    // Disabled since it was found: neither a reset nor an unlock may act on it (neither enables it).
    if (options.enabled && !isEnabled(text(person, 'userAccountControl'))) throw new UnlatchError('flow_invalid');
    return person.dn;
  }

  private async writeAttribute(account: DirectoryAccount, action: string, type: string, value: string, options: { enabled?: boolean } = {}): Promise<void> {
    await this.run(action, () =>
      this.connector.asService(async (client) => {
        await client.modify(await this.requireDn(client, account, options), [replace(type, value)]);
      }),
    );
  }

  private encodeForWrite(password: string): Buffer {
    // Refused before anything is sent or any transaction starts: AD would refuse unicodePwd in clear anyway,
    // but the password must not cross the network unencrypted even once.
    if (!this.connector.encrypted) {
      throw new UnlatchError('internal', { reason: 'insecure_transport' }, 'refusing to write a password over an unencrypted LDAP connection');
    }
    try {
      return encodeUnicodePwd(password);
    } catch (error) {
      throw ownRefusal(error) ?? error;
    }
  }

  private async resetControls(client: Client): Promise<Control[]> {
    const mode = this.options.resetHistoryCheck;
    if (mode === 'off') return [];
    if (mode === 'require') return [new PolicyHintsControl()];
    const { supportedControls } = await this.readRootDse(client);
    return supportedControls.has(PolicyHintsControl.OID) ? [new PolicyHintsControl()] : [];
  }

  private readRootDse(client: Client): Promise<AdRootDse> {
    // Cached for the adapter's life: the naming context and the controls of a DC do not change while it runs.
    const cached = (this.rootDse ??= readRootDse(client));
    cached.catch(() => {
      if (this.rootDse === cached) this.rootDse = null;
    });
    return cached;
  }

  /** The error of a refused password write: the reasons name AD's rules; anything else as usual. */
  private async writeError(error: unknown, action: string, account: DirectoryAccount, password: string): Promise<UnlatchError> {
    const failure = ownRefusal(error) ? null : classifyAdError(error);
    if (failure?.kind === 'password') {
      // Windows does not say which rule failed: read the rules that apply, to name them. Best effort — the
      // rejection stands even when the rules cannot be read.
      const rules = await this.readPasswordRules(account).catch(() => null);
      return new UnlatchError('password_rejected', { reasons: adRejectionReasons(failure.problem, rules, password, failure.minLength) });
    }
    // Locked: AD says so whether or not the old password was right, so saying it tells nothing more.
    if (failure?.kind === 'logon' && failure.problem === 'locked_out') {
      return new UnlatchError('password_rejected', { reasons: [{ code: 'account_locked' }] });
    }
    return asUnlatchError(error, action);
  }

  private async run<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw asUnlatchError(error, action);
    }
  }
}

function replace(type: string, value: string | Buffer): Change {
  const modification = typeof value === 'string' ? new Attribute({ type, values: [value] }) : new Attribute({ type, values: [value] });
  return new Change({ operation: 'replace', modification });
}
