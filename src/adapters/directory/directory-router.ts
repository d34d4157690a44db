import { UnlatchError, isUnlatchError } from '../../core/errors.js';
import type {
  Directory,
  DirectoryAccount,
  DirectoryAccountDetails,
  DirectoryPasswordRules,
  FindByIdOptions,
  ListPeopleOptions,
  PasswordWriteOptions,
  PreparedPasswordWrite,
  VerifyPasswordOptions,
} from '../../core/ports/directory.js';
import { AccountCache } from './account-cache.js';
import { withoutCopies } from './router-copies.js';
import { RouterPeople } from './router-people.js';
import type { DirectoryOperation, DirectoryRouterEvents, DirectoryRouterOptions, RoutedDirectory } from './router-types.js';
import { prepareSecondaryWrite, type SecondaryWrite } from './secondary-writes.js';

export type { AmbiguousMatch, DirectoryFailure, DirectoryOperation, DirectoryRouterEvents, DirectoryRouterOptions, RoutedDirectory } from './router-types.js';

/** Separates a directory's name from its own account id: `ldap-1:5eba1bdc-…`. Names cannot contain it. */
const SEPARATOR = ':';

interface Target {
  routed: RoutedDirectory;
  /** The account id inside that directory. */
  innerId: string;
}

/**
 * All tenants' directories as one Directory: the flows keep talking to one port.
 *
 * - A lookup by identifier asks every directory of the tenant, all at once and always all of them, so the
 *   time taken does not tell which one matched; exactly one person found in total is a match, several are
 *   none (a copy kept by `alsoWriteTo` is the same person, see withoutCopies).
 * - Account ids name their directory (`<name>:<id>`), except the built-in directory's (see RoutedDirectory),
 *   and everything about an account goes to the directory that id names.
 * - Every failure of a directory is reported (metrics) and passed on as it came: a lookup that could not
 *   ask every directory fails closed (`directory_unavailable`), since a match elsewhere would make it none.
 */
export class DirectoryRouter implements Directory {
  private readonly tenants: ReadonlyMap<string, readonly RoutedDirectory[]>;
  private readonly cache: AccountCache;
  private readonly events: DirectoryRouterEvents;
  private readonly people: RouterPeople<RoutedDirectory>;

  constructor(private readonly options: DirectoryRouterOptions) {
    for (const [tenantId, list] of options.tenants) checkTenant(tenantId, list);
    this.tenants = options.tenants;
    this.cache = new AccountCache(options.clock);
    this.events = options.events ?? {};
    this.people = new RouterPeople<RoutedDirectory>({
      directoriesOf: (tenantId) => this.tenants.get(tenantId) ?? [],
      outer: (routed, account) => this.outer(routed, account),
      locate: (account) => {
        const target = this.route(account.tenantId, account.id);
        return target ? { routed: target.routed, inner: inner(account, target) } : null;
      },
      guard: (tenantId, routed, work) => this.guard(tenantId, routed, 'lookup', work),
    });
  }

  /** The operator console's search: every directory of the tenant at once, copies left out (see router-people.ts). */
  searchPeople(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    return this.people.search(tenantId, text, limit);
  }

  /** Every person of the tenant, directory after directory, page by page (see router-people.ts). */
  listPeople(tenantId: string, options?: ListPeopleOptions): AsyncIterable<DirectoryAccount> {
    return this.people.list(tenantId, options);
  }

  /** What the account's own directory tells of it, with that directory's name. */
  accountDetails(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    return this.people.details(account);
  }

  async findByIdentifier(tenantId: string, normalizedIdentifier: string): Promise<DirectoryAccount | null> {
    const list = this.tenants.get(tenantId);
    if (!list) return null;
    const answers = await Promise.allSettled(list.map((routed) => routed.directory.findByIdentifier(tenantId, normalizedIdentifier)));
    let failure: unknown = null;
    answers.forEach((answer, i) => {
      if (answer.status === 'fulfilled') return;
      this.report(tenantId, list[i]!, 'lookup', answer.reason);
      failure ??= answer.reason;
    });
    if (failure !== null) throw failure;
    const found = answers.flatMap((answer, i) => (answer.status === 'fulfilled' && answer.value ? [{ routed: list[i]!, account: this.outer(list[i]!, answer.value) }] : []));
    const matches = withoutCopies(found);
    if (matches.length > 1) {
      this.events.onAmbiguous?.({
        tenantId,
        identifier: normalizedIdentifier,
        directories: matches.map((m) => m.routed.name),
        accountIds: matches.map((m) => m.account.id),
      });
      return null;
    }
    const match = matches[0];
    if (!match) return null;
    this.cache.set(match.account, match.routed.cacheSeconds);
    return match.account;
  }

  /**
   * The account as its directory holds it, or a copy read less than `cacheSeconds` ago. `fresh: true` always
   * asks the directory (before a write or an unlock: an account disabled a moment ago must not be acted on),
   * and what it answers replaces the cached copy, or drops it when the account is gone.
   */
  async findById(tenantId: string, id: string, options: FindByIdOptions = {}): Promise<DirectoryAccount | null> {
    const target = this.route(tenantId, id);
    if (!target) return null;
    const cached = target.routed.cacheSeconds > 0 && options.fresh !== true ? this.cache.get(tenantId, id) : null;
    if (cached) return cached;
    const inner = await this.guard(tenantId, target.routed, 'lookup', () => target.routed.directory.findById(tenantId, target.innerId, options));
    if (!inner) {
      this.cache.delete(tenantId, id);
      return null;
    }
    const account = this.outer(target.routed, inner);
    this.cache.set(account, target.routed.cacheSeconds);
    return account;
  }

  async verifyPassword(account: DirectoryAccount, password: string, options?: VerifyPasswordOptions): Promise<boolean> {
    const target = this.route(account.tenantId, account.id);
    if (!target) {
      await this.verifyDummy(password, account.tenantId);
      return false;
    }
    return this.guard(account.tenantId, target.routed, 'verify', () => target.routed.directory.verifyPassword(inner(account, target), password, options));
  }

  /**
   * The cost of a password check where no account was found: every directory of the tenant (without a
   * tenant, the default tenant's) runs its own dummy check, all at once, so this takes as long as the
   * slowest of them — what a real check costs a person of the slowest directory (for AD or LDAP: TLS, a
   * search, a bind), not one local argon2 when the first directory happens to be the built-in one.
   *
   * What remains: a real check goes to one directory only, so a wrong password for a person of a faster
   * directory (the built-in one's argon2) still answers sooner than an unknown name, where the slowest
   * directory sets the pace. Evening that out would mean slowing every real check down to the slowest
   * directory's. A failure of any dummy check is reported and passed on (the first one), after all ended.
   */
  async verifyDummy(password: string, tenantId?: string): Promise<void> {
    const named = tenantId !== undefined && this.tenants.has(tenantId) ? tenantId : this.options.defaultTenantId;
    const list = this.tenants.get(named) ?? [];
    const answers = await Promise.allSettled(list.map((routed) => this.guard(named, routed, 'verify', () => routed.directory.verifyDummy(password, named))));
    const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * A reset in the account's own directory, copied to its `alsoWriteTo` ones. `mustChange` goes to the
   * account's directory (refused as `invalid_request` where it is not supported, before anything is written)
   * and to each copy whose directory supports it, so the one-time password is one everywhere.
   */
  async preparePasswordWrite(account: DirectoryAccount, newPassword: string, options: PasswordWriteOptions = {}): Promise<PreparedPasswordWrite> {
    const target = this.require(account);
    const own = inner(account, target);
    if (options.mustChange && !target.routed.directory.supportsMustChange?.(own)) {
      throw new UnlatchError('invalid_request', { reason: 'must_change_unsupported' }, `directory ${target.routed.name} cannot mark a password as one to change`);
    }
    const primary = await this.guard(account.tenantId, target.routed, 'write', () => target.routed.directory.preparePasswordWrite(own, newPassword, options));
    return this.withCopies(account, target.routed, primary, newPassword, options);
  }

  /** In the account's own directory only (its `alsoWriteTo` copies hold passwords, not this person's mark). */
  async requirePasswordChange(account: DirectoryAccount): Promise<PreparedPasswordWrite> {
    const target = this.require(account);
    const own = inner(account, target);
    const directory = target.routed.directory;
    if (!directory.requirePasswordChange || !directory.supportsMustChange?.(own)) {
      throw new UnlatchError('invalid_request', { reason: 'must_change_unsupported' }, `directory ${target.routed.name} cannot mark a password as one to change`);
    }
    return this.guard(account.tenantId, target.routed, 'write', () => directory.requirePasswordChange!(own));
  }

  /** Asks the directory the account lives in; false for an id no configured directory hands out. */
  supportsMustChange(account: DirectoryAccount): boolean {
    const target = this.route(account.tenantId, account.id);
    return target?.routed.directory.supportsMustChange?.(inner(account, target)) ?? false;
  }

  async changePassword(account: DirectoryAccount, oldPassword: string, newPassword: string): Promise<PreparedPasswordWrite> {
    const target = this.require(account);
    const primary = await this.guard(account.tenantId, target.routed, 'write', () =>
      target.routed.directory.changePassword(inner(account, target), oldPassword, newPassword),
    );
    // The secondaries get an administrator's write of the new password: the old one was checked where the
    // person signs in, and a copy's directory may never have known it.
    return this.withCopies(account, target.routed, primary, newPassword);
  }

  /** Asks the directory the account lives in (LDAP and AD prove a written password by a sign-in; the built-in one does not). */
  checksWritesBySignIn(account: DirectoryAccount): boolean {
    const target = this.route(account.tenantId, account.id);
    return target?.routed.directory.checksWritesBySignIn?.(inner(account, target)) ?? false;
  }

  async passwordRules(account: DirectoryAccount): Promise<DirectoryPasswordRules | null> {
    const target = this.route(account.tenantId, account.id);
    if (!target?.routed.directory.passwordRules) return null;
    // Rules only shape a hint on the page: a directory that cannot answer shows none, it does not fail the page.
    return target.routed.directory.passwordRules(inner(account, target)).catch(() => null);
  }

  /**
   * A tenant's rules before anyone is known: only where one directory holds all its people (with several, the
   * person's is unknown until they sign in, and another's rules would mislead).
   */
  async tenantPasswordRules(tenantId: string): Promise<DirectoryPasswordRules | null> {
    const list = this.tenants.get(tenantId) ?? [];
    const only = list.length === 1 ? list[0]!.directory : null;
    if (!only?.tenantPasswordRules) return null;
    return only.tenantPasswordRules(tenantId).catch(() => null);
  }

  async unlock(account: DirectoryAccount): Promise<void> {
    const target = this.require(account);
    await this.guard(account.tenantId, target.routed, 'unlock', () => target.routed.directory.unlock(inner(account, target)));
    this.cache.delete(account.tenantId, account.id);
  }

  /** The primary write, then each `alsoWriteTo` copy, each reported; only the primary's failure fails. */
  private async withCopies(
    account: DirectoryAccount,
    routed: RoutedDirectory,
    primary: PreparedPasswordWrite,
    newPassword: string,
    options: PasswordWriteOptions = {},
  ): Promise<PreparedPasswordWrite> {
    const { tenantId } = account;
    const list = this.tenants.get(tenantId) ?? [];
    const copies: SecondaryWrite[] = await Promise.all(
      routed.alsoWriteTo.map((name) => {
        const secondary = list.find((d) => d.name === name)!;
        return prepareSecondaryWrite(
          {
            tenantId,
            account,
            primary: routed.name,
            name,
            directory: secondary.directory,
            outerId: (found) => this.outer(secondary, found).id,
            guard: (operation, work) => this.guard(tenantId, secondary, operation, work),
          },
          newPassword,
          options,
        );
      }),
    );
    return {
      commit: async (tx) => {
        await this.guard(tenantId, routed, 'write', () => primary.commit(tx));
        this.cache.delete(tenantId, account.id);
        // One after another: each copy's audit entry goes into the same transaction, in a stable order.
        for (const copy of copies) {
          const report = await copy.commit(tx);
          if (report.accountId) this.cache.delete(tenantId, report.accountId);
          await this.events.onSecondaryWrite?.(report, tx);
        }
      },
    };
  }

  /** The directory an account id belongs to, and the id inside it; null when the tenant has no such directory. */
  private route(tenantId: string, id: string): Target | null {
    const list = this.tenants.get(tenantId);
    if (!list) return null;
    const at = id.indexOf(SEPARATOR);
    if (at > 0) {
      const name = id.slice(0, at);
      const routed = list.find((d) => !d.builtin && d.name === name);
      if (routed) return { routed, innerId: id.slice(at + 1) };
    }
    const builtin = list.find((d) => d.builtin);
    return builtin ? { routed: builtin, innerId: id } : null;
  }

  private require(account: DirectoryAccount): Target {
    const target = this.route(account.tenantId, account.id);
    // An id no configured directory hands out (its directory was renamed or removed): the flow cannot go on.
    if (!target) throw new UnlatchError('flow_invalid');
    return target;
  }

  private outer(routed: RoutedDirectory, account: DirectoryAccount): DirectoryAccount {
    return routed.builtin ? account : { ...account, id: `${routed.name}${SEPARATOR}${account.id}` };
  }

  private async guard<T>(tenantId: string, routed: RoutedDirectory, operation: DirectoryOperation, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.report(tenantId, routed, operation, error);
      throw error;
    }
  }

  private report(tenantId: string, routed: RoutedDirectory, operation: DirectoryOperation, error: unknown): void {
    if (!isUnlatchError(error)) return;
    if (error.code === 'directory_unavailable') this.events.onFailure?.({ tenantId, directory: routed.name, reason: 'unavailable', operation });
    else if (error.code === 'internal') this.events.onFailure?.({ tenantId, directory: routed.name, reason: 'internal', operation });
  }
}

/** The account as the directory it lives in knows it. */
function inner(account: DirectoryAccount, target: Target): DirectoryAccount {
  return { ...account, id: target.innerId };
}

/** Configuration validation already refuses these; checked again because ids depend on them. */
function checkTenant(tenantId: string, list: readonly RoutedDirectory[]): void {
  const names = list.map((d) => d.name);
  if (list.length === 0) throw new Error(`tenant ${tenantId}: no directories`);
  if (new Set(names).size !== names.length) throw new Error(`tenant ${tenantId}: directory names must be unique`);
  if (names.some((n) => n.includes(SEPARATOR))) throw new Error(`tenant ${tenantId}: directory names cannot contain "${SEPARATOR}"`);
  if (list.filter((d) => d.builtin).length > 1) throw new Error(`tenant ${tenantId}: at most one built-in directory`);
  for (const d of list) {
    for (const target of d.alsoWriteTo) {
      if (target === d.name || !names.includes(target)) throw new Error(`tenant ${tenantId}: ${d.name}.alsoWriteTo names ${target}, not another directory of the tenant`);
    }
  }
}
