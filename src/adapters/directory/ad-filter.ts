import { AndFilter, EqualityFilter, type Filter } from 'ldapts';
import { escapeFilterValue, fillFilter } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';

/**
 * The search filters of the Active Directory adapter, built as ldapts filter objects by `parseFilter`
 * (ldap-filter.ts), which sends escaped bytes ≥ 0x80 as themselves: non-ASCII names and binary objectGUIDs.
 */

/** Every person search is ANDed with this: accounts of people, not computers (which are `user`s too) or contacts. */
export const PERSON_FILTER = '(objectCategory=person)(objectClass=user)';

/** `(&(objectCategory=person)(objectClass=user)<template with the escaped value>)`. */
export function personFilter(template: string, value: string): Filter {
  return parseFilter(`(&${PERSON_FILTER}${fillFilter(template, value)})`);
}

/** The person whose objectGUID is `raw`, matched on the raw 16 bytes. */
export function objectGuidFilter(raw: Buffer): Filter {
  const base = parseFilter(`(&${PERSON_FILTER})`) as AndFilter;
  return new AndFilter({ filters: [...base.filters, new EqualityFilter({ attribute: 'objectGUID', value: raw })] });
}

/**
 * Groups that have `memberDn` as a member directly or through other groups: LDAP_MATCHING_RULE_IN_CHAIN
 * (1.2.840.113556.1.4.1941) makes the DC walk the nesting, in one search.
 */
export function nestedGroupsFilter(memberDn: string): Filter {
  return parseFilter(`(&(objectCategory=group)(member:1.2.840.113556.1.4.1941:=${escapeFilterValue(memberDn)}))`);
}
