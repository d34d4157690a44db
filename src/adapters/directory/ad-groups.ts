import type { Client, Entry } from 'ldapts';
import { UnlatchError } from '../../core/errors.js';
import { memberOfDns, text } from './ad-account.js';
import { firstRdnValue } from './ad-dn.js';
import { nestedGroupsFilter } from './ad-filter.js';

/**
 * The names (CNs) of the groups a person is in.
 *
 * Direct: the person's `memberOf`, read with the account; no extra search. It leaves out the primary
 * group (usually Domain Users, held in `primaryGroupID`), and AD hands out `memberOf` in ranges past
 * 1500 values — use nested mode for people in that many groups.
 * Nested: one search with LDAP_MATCHING_RULE_IN_CHAIN, so the DC resolves groups within groups.
 */
export async function readGroups(client: Client, person: Entry, groups: { nested: boolean; baseDn: string }): Promise<string[]> {
  if (!groups.nested) return sortedNames(memberOfDns(person).map(firstRdnValue));
  const { searchEntries } = await client.search(groups.baseDn, {
    scope: 'sub',
    filter: nestedGroupsFilter(person.dn),
    attributes: ['cn'],
    // AD's MaxPageSize is 1000: page, so a person in more groups than that still gets all of them.
    paged: { pageSize: 500 },
  });
  return sortedNames(searchEntries.map((g) => text(g, 'cn') ?? firstRdnValue(g.dn)));
}

/**
 * A failure to read a person's groups, as every lookup failure: `directory_unavailable` (the cause kept for
 * the log). Never an empty list: groups decide who may reset (an excluded group), and a person whose
 * groups could not be read must not pass as a member of none.
 */
export function groupReadFailure(error: unknown): UnlatchError {
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const failure = new UnlatchError('directory_unavailable', { reason: 'groups_unreadable' }, `AD unavailable while reading groups: ${described}`);
  failure.cause = error;
  return failure;
}

function sortedNames(names: (string | null | undefined)[]): string[] {
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))].sort();
}
