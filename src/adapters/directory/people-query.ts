import { UnlatchError } from '../../core/errors.js';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import type { DirectoryAccount, ListPeopleOptions } from '../../core/ports/directory.js';

/**
 * The checks and defaults every directory's `searchPeople` and `listPeople` share, so the console gets the
 * same answer to the same question whichever directory holds the people.
 */

/** Accounts per page when the caller names no page size. */
export const DEFAULT_PAGE_SIZE = 500;
/** Most accounts per page: Active Directory's MaxPageSize (1000) is the smallest server limit we meet. */
export const MAX_PAGE_SIZE = 1000;
/** Most results one search may ask for: a search box, not an export (that is what listPeople is for). */
export const MAX_SEARCH_LIMIT = 1000;
/** Longest search text: longer is no name anyone types, and would only make a long filter. */
export const MAX_SEARCH_TEXT = 256;

/**
 * The search text as it is matched: Unicode NFKC, trimmed. Not case-folded here: LDAP and AD match
 * case-insensitively themselves, and the built-in directory folds both sides (see {@link matchesText}).
 * Anything but a string, a longer one than {@link MAX_SEARCH_TEXT}, or one with control characters is
 * `invalid_request`.
 */
export function searchTextOf(text: unknown): string {
  if (typeof text !== 'string') throw new UnlatchError('invalid_request', { field: 'text' }, 'search text must be a string');
  const normalized = text.normalize('NFKC').trim();
  // No name or address holds a control character, and some servers end a value at NUL (slapd would then
  // match `*\00*` as `**`: everyone). Refused, not stripped: the operator sees what was wrong.
  if (/[\u0000-\u001f\u007f]/.test(normalized)) {
    throw new UnlatchError('invalid_request', { field: 'text' }, 'search text must not contain control characters');
  }
  if (normalized.length > MAX_SEARCH_TEXT) {
    throw new UnlatchError('invalid_request', { field: 'text', max: MAX_SEARCH_TEXT }, `search text is longer than ${MAX_SEARCH_TEXT} characters`);
  }
  return normalized;
}

/** A search's result limit: a whole number from 0 to {@link MAX_SEARCH_LIMIT}, else `invalid_request`. */
export function searchLimitOf(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > MAX_SEARCH_LIMIT) {
    throw new UnlatchError('invalid_request', { field: 'limit', max: MAX_SEARCH_LIMIT }, `limit must be a whole number from 0 to ${MAX_SEARCH_LIMIT}`);
  }
  return limit;
}

/** The page size of a listing: {@link DEFAULT_PAGE_SIZE} when absent, else a whole number from 1 to {@link MAX_PAGE_SIZE}. */
export function pageSizeOf(options: ListPeopleOptions | undefined): number {
  const size = options?.pageSize;
  if (size === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new UnlatchError('invalid_request', { field: 'pageSize', max: MAX_PAGE_SIZE }, `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/**
 * Whether the account's username, email or display name contains `text`, both sides folded the way
 * identifiers are (NFKC, lower case): for a directory that matches in code rather than on a server.
 */
export function matchesText(account: Pick<DirectoryAccount, 'username' | 'email' | 'displayName'>, text: string): boolean {
  const wanted = normalizeIdentifier(text);
  if (wanted === '') return false;
  return [account.username, account.email, account.displayName].some((value) => value !== undefined && normalizeIdentifier(value).includes(wanted));
}

/** Accounts in the order a person reads a result list: by username, then id. */
export function byUsername(a: DirectoryAccount, b: DirectoryAccount): number {
  return a.username.localeCompare(b.username) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
