import type { Client, Entry } from 'ldapts';
import { escapeFilterValue } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import { firstRdn } from './ldap-dn.js';
import { valuesOf } from './ldap-entry.js';
import type { ResolvedLdapOptions } from './ldap-options.js';

/**
 * The names of a person's groups, read the configured way: from `memberOf` (no extra request), or by a
 * search for groups whose member list names the person's DN.
 */
export async function groupsOf(client: Client, entry: Entry, options: ResolvedLdapOptions): Promise<string[]> {
  const mode = options.groups;
  if (mode.type === 'memberOf') {
    return unique(valuesOf(entry, mode.attribute).map((dn) => nameFromDn(dn, mode.nameAttribute)));
  }
  const { searchEntries } = await client.search(mode.baseDn, {
    scope: 'sub',
    // The DN is data inside the filter: escaped like any other value, so `(`, `*` or `\` in an RDN stay literal.
    filter: parseFilter(groupFilter(mode.filter, entry.dn)),
    attributes: [mode.nameAttribute],
  });
  return unique(searchEntries.map((group) => valuesOf(group, mode.nameAttribute)[0] ?? nameFromDn(group.dn, mode.nameAttribute)));
}

/**
 * The same group search for a DN that matches nothing: the lookup of an unknown identifier then costs what
 * a known one does, so its timing does not tell whether the account exists.
 */
export async function groupsOfNobody(client: Client, options: ResolvedLdapOptions): Promise<void> {
  const mode = options.groups;
  if (mode.type !== 'search') return;
  await client.search(mode.baseDn, { scope: 'sub', filter: parseFilter(groupFilter(mode.filter, `cn=unlatch-nobody,${options.baseDn}`)), attributes: [mode.nameAttribute] });
}

/** A group filter template with `{dn}` replaced by the escaped DN. */
export function groupFilter(template: string, dn: string): string {
  const escaped = escapeFilterValue(dn);
  return template.replaceAll('{dn}', () => escaped);
}

/** A group's name from its DN: the first RDN's value when it is the name attribute (`cn=admins,…` → `admins`). */
function nameFromDn(dn: string, nameAttribute: string): string {
  const rdn = firstRdn(dn);
  return rdn && rdn.attribute.toLowerCase() === nameAttribute.toLowerCase() ? rdn.value : dn;
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}
