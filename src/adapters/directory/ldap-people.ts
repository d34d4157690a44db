import type { Client, Entry, Filter } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import type { DirectoryAccount } from '../../core/ports/directory.js';
import { accountAttributes } from './ldap-entry.js';
import { escapeFilterValue } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import type { ResolvedLdapOptions } from './ldap-options.js';
import { byUsername } from './people-query.js';

/**
 * The filters and the search behind the operator console's people search and listing, for OpenLDAP (and,
 * for the filter parts, Active Directory).
 *
 * Who counts as a person: whoever the configured lookup filter could find. `userFilter` with `{value}` as
 * `*` says exactly that: `(&(objectClass=inetOrgPerson)(|(uid={value})(mail={value})))` becomes
 * `(&(objectClass=inetOrgPerson)(|(uid=*)(mail=*)))`, everyone of that class with a username or an address.
 */

/** The lookup template as a filter for everyone it could find (each `{value}` a presence or wildcard). */
export function scopeFilter(template: string): string {
  // The one `*` that is not escaped: it is ours, not a person's input.
  return template.replaceAll('{value}', '*');
}

/**
 * {@link scopeFilter} parsed. A template that is valid with a value but not with `*` in its place (an
 * extensible match, say) cannot list people: `internal`, naming the reason, never a guess at another scope.
 */
export function parsedScopeFilter(template: string): Filter {
  try {
    return parseFilter(scopeFilter(template));
  } catch (error) {
    const failure = new UnlatchError('internal', { reason: 'user_filter_not_listable' }, 'userFilter with * for {value} is not a valid filter: people cannot be listed');
    failure.cause = error;
    throw failure;
  }
}

/**
 * `(|(a=*text*)(b=*text*)…)`: any of `attributes` contains `text`. The text is escaped (RFC 4515) before
 * it goes between the wildcards, so `*`, `(`, `)` and `\` in it are characters to find, never syntax.
 * The server matches case-insensitively: the usual attributes (uid, mail, cn, displayName,
 * sAMAccountName) have case-ignoring substring rules.
 */
export function containsFilter(attributes: readonly string[], text: string): string {
  const escaped = escapeFilterValue(text);
  return `(|${[...new Set(attributes)].map((name) => `(${name}=*${escaped}*)`).join('')})`;
}

/** The attributes a person's search text is matched against: username, email and every display name one. */
export function searchedAttributes(options: ResolvedLdapOptions): string[] {
  return [options.attributes.username, options.attributes.email, ...options.attributes.displayName];
}

/**
 * Up to `limit` people whose username, email or display name contains `text`, as accounts in username
 * order (with their groups, read as for a lookup). `text` is already normalized and not empty.
 */
export async function searchLdapPeople(
  client: Client,
  options: ResolvedLdapOptions,
  text: string,
  limit: number,
  toAccount: (entry: Entry) => Promise<DirectoryAccount | null>,
): Promise<DirectoryAccount[]> {
  const filter = `(&${scopeFilter(options.userFilter)}${containsFilter(searchedAttributes(options), text)})`;
  const { searchEntries } = await client.search(options.baseDn, {
    scope: 'sub',
    filter: parseFilter(filter),
    attributes: accountAttributes(options),
    // The server stops at the limit (ldapts takes its "size limit exceeded" with the entries sent so far).
    sizeLimit: limit,
  });
  const accounts: DirectoryAccount[] = [];
  for (const entry of searchEntries.slice(0, limit)) {
    const account = await toAccount(entry);
    if (account) accounts.push(account);
  }
  return accounts.sort(byUsername);
}
