import { InsufficientAccessError, InvalidDNSyntaxError, NoSuchObjectError, type Client } from 'ldapts';
import { missing, ok, unknown, type CheckItem } from './check-item.js';
import { escapeFilterValue } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import { valuesOf } from './ldap-entry.js';
import type { ResolvedLdapOptions } from './ldap-options.js';

/**
 * Whether the people in an excluded group can be told apart, when groups are read from `memberOf`.
 *
 * OpenLDAP's memberof overlay writes `memberOf` when a group's member list changes through slapd; it never
 * looks back. Groups loaded with `slapadd`, or created before the overlay was configured, list their members
 * while the members carry nothing: Unlatch then sees those people in no group, and an exclusion
 * (`policy.excludedGroups`: admins, service accounts) quietly does not apply to them. This check finds such
 * a group by reading a few of its members: each one that does not carry the group in `memberOf` is a person
 * the exclusion misses.
 */

/** Members of one group read at most (each is one base search). */
const MEMBERS_CHECKED = 20;
/** Group entries of one name read at most. */
const GROUPS_PER_NAME = 5;

/** One line per excluded group that exists with members; nothing for a name no group has. */
export async function checkExcludedGroupsMemberOf(client: Client, options: ResolvedLdapOptions, excludedGroups: readonly string[]): Promise<CheckItem[]> {
  const mode = options.groups;
  if (mode.type !== 'memberOf' || excludedGroups.length === 0) return [];
  const bases = await namingContexts(client, options.baseDn);
  const items: CheckItem[] = [];
  for (const name of excludedGroups) {
    for (const group of await groupsNamed(client, bases, mode.nameAttribute, name)) {
      if (group.members.length === 0) continue;
      items.push(await memberOfFinding(client, mode.attribute, name, group));
    }
  }
  return items;
}

async function memberOfFinding(client: Client, attribute: string, name: string, group: { dn: string; members: string[] }): Promise<CheckItem> {
  const label = `excluded group ${name} (${attribute})`;
  const checked = group.members.slice(0, MEMBERS_CHECKED);
  let carrying = 0;
  let unreadable = 0;
  for (const member of checked) {
    const carries = await carriesGroup(client, member, attribute, group.dn);
    if (carries === null) unreadable++;
    else if (carries) carrying++;
  }
  const readable = checked.length - unreadable;
  if (readable === 0) return unknown(label, `${group.dn} has members, but the service account cannot read them`);
  if (carrying === readable) return ok(label, `every member${readable < group.members.length ? ` of the ${readable} checked` : ''} carries ${group.dn}`);
  const finding =
    carrying === 0
      ? `${group.dn} lists ${group.members.length} member(s), but none carries it in ${attribute}`
      : `${readable - carrying} of ${readable} checked members of ${group.dn} do not carry it in ${attribute}`;
  return missing(
    label,
    `${finding}: Unlatch does not see them in the group, so the exclusion misses them. The memberof overlay sets ${attribute} only for ` +
      'member changes made through slapd after it was configured (never for slapadd): re-add those members with ldapmodify, or read groups with groups: { type: search }',
  );
}

/** True when `member` carries `groupDn` in `attribute`; null when the entry cannot be read. */
async function carriesGroup(client: Client, member: string, attribute: string, groupDn: string): Promise<boolean | null> {
  try {
    // The server compares DNs as DNs (case, spaces), which a string comparison here would not.
    const { searchEntries } = await client.search(member, { scope: 'base', filter: parseFilter(`(${attribute}=${escapeFilterValue(groupDn)})`), attributes: ['1.1'] });
    if (searchEntries.length === 1) return true;
    const { searchEntries: seen } = await client.search(member, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    return seen.length === 1 ? false : null;
  } catch (error) {
    if (error instanceof NoSuchObjectError || error instanceof InsufficientAccessError || error instanceof InvalidDNSyntaxError) return null;
    throw error;
  }
}

/** Group entries whose name attribute is `name`, with their members (`member`, or `uniqueMember` without its `#uid` part). */
async function groupsNamed(client: Client, bases: string[], nameAttribute: string, name: string): Promise<{ dn: string; members: string[] }[]> {
  const filter = parseFilter(`(&(${nameAttribute}=${escapeFilterValue(name)})(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)))`);
  const found: { dn: string; members: string[] }[] = [];
  for (const base of bases) {
    try {
      const { searchEntries } = await client.search(base, { scope: 'sub', filter, attributes: ['member', 'uniqueMember'], sizeLimit: GROUPS_PER_NAME });
      for (const entry of searchEntries) {
        const members = [...valuesOf(entry, 'member'), ...valuesOf(entry, 'uniqueMember').map((dn) => dn.replace(/#'[01]*'B$/, ''))];
        found.push({ dn: entry.dn, members });
      }
    } catch (error) {
      if (error instanceof NoSuchObjectError || error instanceof InsufficientAccessError) continue;
      throw error;
    }
  }
  return found;
}

/** Where groups may live: the server's naming contexts (groups are often outside the people's `baseDn`), else `baseDn`. */
async function namingContexts(client: Client, baseDn: string): Promise<string[]> {
  try {
    const { searchEntries } = await client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['namingContexts'] });
    const contexts = searchEntries[0] ? valuesOf(searchEntries[0], 'namingContexts') : [];
    return contexts.length > 0 ? contexts : [baseDn];
  } catch {
    return [baseDn];
  }
}
