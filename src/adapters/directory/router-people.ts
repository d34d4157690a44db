import { UnlatchError } from '../../core/errors.js';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { Directory, DirectoryAccount, DirectoryAccountDetails, ListPeopleOptions } from '../../core/ports/directory.js';
import { byUsername, searchLimitOf, searchTextOf } from './people-query.js';
import { copySourcesOf, withoutCopies, type CopyingDirectory } from './router-copies.js';

/** A directory of a tenant as the people operations see it (directory-router.ts's RoutedDirectory fits). */
export interface PeopleDirectory extends CopyingDirectory {
  readonly directory: Directory;
}

/** What the router lends the people operations. */
export interface RouterPeopleDeps<R extends PeopleDirectory> {
  /** The tenant's directories in their configured order; empty for an unknown tenant. */
  directoriesOf(tenantId: string): readonly R[];
  /** The account with the id callers use (`<name>:<id>`, or the built-in directory's own). */
  outer(routed: R, account: DirectoryAccount): DirectoryAccount;
  /** The directory an account id names, and the account as that directory knows it; null when none does. */
  locate(account: DirectoryAccount): { routed: R; inner: DirectoryAccount } | null;
  /** Runs `work` for `routed`, reporting a failure (metrics, log) before passing it on. */
  guard<T>(tenantId: string, routed: R, work: () => Promise<T>): Promise<T>;
}

/**
 * The operator console's people search, listing and account details across a tenant's directories.
 *
 * A person whose password a directory copies to another (`alsoWriteTo`) is one person, not two: the copy
 * directory's account with the same username is left out, in a search and in a listing (the coverage
 * report must not count anyone twice). Any directory that fails fails the whole answer
 * (`directory_unavailable`): a search or a report missing one directory's people would mislead.
 */
export class RouterPeople<R extends PeopleDirectory> {
  constructor(private readonly deps: RouterPeopleDeps<R>) {}

  /** Every directory asked at once; results without copies, in username order, at most `limit`. */
  async search(tenantId: string, text: string, limit: number): Promise<DirectoryAccount[]> {
    const [wanted, max] = [searchTextOf(text), searchLimitOf(limit)];
    const list = this.deps.directoriesOf(tenantId);
    if (wanted === '' || max === 0 || list.length === 0) return [];
    const answers = await Promise.allSettled(
      list.map((routed) => this.deps.guard(tenantId, routed, () => capable(routed, 'searchPeople').searchPeople!(tenantId, wanted, max))),
    );
    const failed = answers.find((answer): answer is PromiseRejectedResult => answer.status === 'rejected');
    if (failed) throw failed.reason;
    const found = answers.flatMap((answer, i) =>
      answer.status === 'fulfilled' ? answer.value.map((account) => ({ routed: list[i]!, account: this.deps.outer(list[i]!, account) })) : [],
    );
    return withoutCopies(found)
      .map((match) => match.account)
      .sort(byUsername)
      .slice(0, max);
  }

  /**
   * Every person of every directory of the tenant, directory after directory in their configured order,
   * each directory read page by page. A person in a copy directory is left out when a directory that writes
   * to it holds the same username (asked by a lookup there, so nothing grows with the number of people).
   */
  async *list(tenantId: string, options?: ListPeopleOptions): AsyncIterable<DirectoryAccount> {
    const list = this.deps.directoriesOf(tenantId);
    for (const routed of list) {
      const sources = copySourcesOf(routed, list);
      const people = capable(routed, 'listPeople').listPeople!(tenantId, options)[Symbol.asyncIterator]();
      try {
        for (;;) {
          const next = await this.deps.guard(tenantId, routed, () => people.next());
          if (next.done === true) break;
          if (await this.isCopy(tenantId, next.value, sources)) continue;
          yield this.deps.outer(routed, next.value);
        }
      } finally {
        // A caller that stops early ends the directory's listing too (its connection closes).
        await people.return?.();
      }
    }
  }

  /** The account's directory's details, with that directory's name; `{}` plus the name where it tells nothing. */
  async details(account: DirectoryAccount): Promise<DirectoryAccountDetails> {
    const target = this.deps.locate(account);
    if (!target) return {};
    const { routed, inner } = target;
    const details = routed.directory.accountDetails ? await this.deps.guard(account.tenantId, routed, () => routed.directory.accountDetails!(inner)) : {};
    return { ...details, directory: routed.name };
  }

  /** Whether a directory that copies passwords to this one holds the same username. */
  private async isCopy(tenantId: string, account: DirectoryAccount, sources: readonly R[]): Promise<boolean> {
    const username = normalizeIdentifier(account.username);
    for (const source of sources) {
      const there = await this.deps.guard(tenantId, source, () => source.directory.findByIdentifier(tenantId, username));
      if (there && normalizeIdentifier(there.username) === username) return true;
    }
    return false;
  }
}

/** The directory, when it can search and list people; otherwise `internal`, naming it (a configuration no adapter should allow). */
function capable(routed: PeopleDirectory, method: 'searchPeople' | 'listPeople'): Directory {
  if (typeof routed.directory[method] !== 'function') {
    throw new UnlatchError('internal', { reason: 'people_unsupported', directory: routed.name }, `directory ${routed.name} cannot ${method}`);
  }
  return routed.directory;
}
