import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { DirectoryAccount } from '../../core/ports/directory.js';

/** What copy detection needs of a routed directory (directory-router.ts's RoutedDirectory fits). */
export interface CopyingDirectory {
  readonly name: string;
  /** Directories that get a copy of every password written here. */
  readonly alsoWriteTo: readonly string[];
}

/** An account as one of the tenant's directories answered it. */
export interface Match<R extends CopyingDirectory = CopyingDirectory> {
  routed: R;
  account: DirectoryAccount;
}

/**
 * Whether `copy` is a copy of `of`: `of`'s directory writes its passwords to `copy`'s (`alsoWriteTo`), and
 * the two accounts have the same username. Then they are one person, found twice.
 */
export function isCopyOf(copy: Match, of: Match): boolean {
  return of.routed.alsoWriteTo.includes(copy.routed.name) && normalizeIdentifier(copy.account.username) === normalizeIdentifier(of.account.username);
}

/**
 * The matches that are distinct people. A directory named in another's `alsoWriteTo` holds copies of that
 * one's people: its match for the same username is the same person, found twice, and the directory that
 * writes the copies is where the person lives. (Two directories that copy to each other: the first listed.)
 * Any other pair of matches is two people, and the caller treats that as no match.
 */
export function withoutCopies<R extends CopyingDirectory>(matches: Match<R>[]): Match<R>[] {
  return matches.filter((m, i) => !matches.some((o, j) => j !== i && isCopyOf(m, o) && !(isCopyOf(o, m) && j > i)));
}

/**
 * The directories whose people `routed` holds copies of: those that name it in `alsoWriteTo`. Of two
 * directories that copy to each other, the one listed first keeps its people (as {@link withoutCopies}).
 */
export function copySourcesOf<R extends CopyingDirectory>(routed: R, list: readonly R[]): R[] {
  const at = list.indexOf(routed);
  return list.filter((source, i) => source !== routed && source.alsoWriteTo.includes(routed.name) && !(routed.alsoWriteTo.includes(source.name) && at < i));
}
