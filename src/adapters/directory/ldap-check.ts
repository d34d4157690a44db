import { randomBytes } from 'node:crypto';
import { Attribute, Change, InsufficientAccessError, InvalidDNSyntaxError, NoSuchObjectError, type Client, type Entry } from 'ldapts';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import { missing, ok, skipped, unknown, type CheckItem } from './check-item.js';
import { probeRead, probeWrite, type ProbeAnswer } from './directory-check.js';
import { contactAttributeNames, contactsOf } from './directory-contacts.js';
import { LdapConnector } from './ldap-connection.js';
import { LOCKED_TIME, PERMANENT_LOCK, accountAttributes, firstOf, valuesOf } from './ldap-entry.js';
import { fillFilter } from './ldap-escape.js';
import { parseFilter } from './ldap-filter.js';
import { groupsOf } from './ldap-groups.js';
import { checkExcludedGroupsMemberOf } from './ldap-member-of-check.js';
import { PWD_RESET } from './ldap-password-writes.js';
import type { ResolvedLdapOptions } from './ldap-options.js';
import { checkAsServiceAccount } from './service-account-check.js';

/**
 * `unlatch directory check` for an OpenLDAP directory: binds as the service account and tries, without
 * changing anything, what Unlatch will do as that account.
 *
 * OpenLDAP has no "effective rights" answer, so the write rights are probed: a modify that deletes a value
 * the entry cannot hold. slapd checks the access rules before it looks for the value, so the answer is
 * "insufficient access" (no right) or "no such value" (the right is there), and in both cases nothing
 * changed. Read rights of attributes a person has no value for are probed with a compare, which slapd
 * also checks against the access rules first.
 */
export async function checkLdapDirectory(options: ResolvedLdapOptions, user: string | undefined, excludedGroups: readonly string[] = []): Promise<CheckItem[]> {
  // Only the service account binds here, so the plain-connection policy never comes into play.
  return checkAsServiceAccount(new LdapConnector(options, { personBinds: 'send' }), options, user, {
    people: (client, items) => checkPeople(client, options, items),
    testAccount: (client, testUser, items) => checkTestAccount(client, options, testUser, items),
    // An exclusion that memberOf does not show (see ldap-member-of-check.ts) lets excluded people reset.
    directoryWide: async (client, items) => void items.push(...(await checkExcludedGroupsMemberOf(client, options, excludedGroups))),
  });
}

async function checkPeople(client: Client, options: ResolvedLdapOptions, items: CheckItem[]): Promise<boolean> {
  const searchLabel = `search under ${options.baseDn}`;
  if (!(await visible(client, options.baseDn))) {
    items.push(missing(searchLabel, 'baseDn does not exist, or the service account may not see it'));
    return false;
  }
  const { searchEntries: anyone } = await client.search(options.baseDn, {
    scope: 'sub',
    // `*` in place of the value: a presence filter, so the configured filter finds anyone it can see.
    filter: parseFilter(options.userFilter.replaceAll('{value}', '*')),
    attributes: ['1.1'],
    sizeLimit: 1,
  });
  items.push(anyone.length > 0 ? ok(searchLabel, 'people found with userFilter') : missing(searchLabel, 'userFilter finds nobody: check baseDn, userFilter, and that the service account may read people'));
  return true;
}

async function checkTestAccount(client: Client, options: ResolvedLdapOptions, user: string, items: CheckItem[]): Promise<void> {
  const userLabel = `find ${user}`;
  const { searchEntries } = await client.search(options.baseDn, {
    scope: 'sub',
    filter: parseFilter(fillFilter(options.userFilter, normalizeIdentifier(user))),
    attributes: accountAttributes(options),
    sizeLimit: 2,
  });
  if (searchEntries.length !== 1) {
    items.push(missing(userLabel, searchEntries.length === 0 ? 'no entry matches under baseDn' : 'several entries match; Unlatch treats that as no match'));
    return;
  }
  const entry = searchEntries[0]!;
  items.push(ok(userLabel, entry.dn));
  await checkAttributes(client, options, entry, items);
  items.push(await writeCheck(client, entry.dn, 'reset password', 'userPassword', `unlatch-check-${randomBytes(18).toString('base64url')}`));
  items.push(await writeCheck(client, entry.dn, 'unlock', LOCKED_TIME, '19700101000000Z'));
  items.push(await mustChangeCheck(client, entry.dn));
  if (options.passwordPolicyDn) items.push(await policyCheck(client, options.passwordPolicyDn));
}

/** One line per attribute Unlatch reads: readable and set, readable and not set, or not readable. */
async function checkAttributes(client: Client, options: ResolvedLdapOptions, entry: Entry, items: CheckItem[]): Promise<void> {
  const { username, email, phone, displayName } = options.attributes;
  const wanted: { label: string; names: string[]; probe: string; required?: boolean }[] = [
    { label: 'username', names: [username], probe: 'unlatch-probe', required: true },
    ...(options.idAttribute === 'entryUUID' ? [{ label: 'account id', names: ['entryUUID'], probe: '00000000-0000-0000-0000-000000000000', required: true }] : []),
    { label: 'email', names: [email], probe: 'unlatch-probe' },
    { label: 'phone', names: phone, probe: '0' },
    { label: 'display name', names: displayName, probe: 'unlatch-probe' },
  ];
  for (const { label, names, probe, required } of wanted) {
    const present = names.find((name) => valuesOf(entry, name).length > 0);
    const title = `${label} (${names.join(', ')})`;
    if (present !== undefined) {
      items.push(ok(title, `readable: ${firstOf(entry, [present])}`));
      continue;
    }
    const answer = (await probeRead(() => client.compare(entry.dn, names[0]!, probe))).answer;
    items.push(readFinding(title, answer, required === true));
  }
  if (options.contactAttributes) items.push(await contactsCheck(client, options, entry));
  items.push(await groupsCheck(client, options, entry));
  const lock = firstOf(entry, [LOCKED_TIME]);
  if (lock !== undefined) {
    items.push(ok(`lock state (${LOCKED_TIME})`, lock === PERMANENT_LOCK ? 'readable: disabled by an administrator' : `readable: locked out since ${lock}`));
  } else {
    const title = `lock state (${LOCKED_TIME})`;
    const answer = (await probeRead(() => client.compare(entry.dn, LOCKED_TIME, PERMANENT_LOCK))).answer;
    if (answer === 'allowed') items.push(ok(title, 'readable: not locked'));
    // Worse than unreadable contact details: a locked or disabled account would look fine.
    else if (answer === 'denied' || answer === 'invisible') items.push(missing(title, 'not readable: a locked or disabled account would look unlocked'));
    else items.push(unknown(title, 'could not tell whether the service account may read it'));
  }
}

/** The mapped personal contacts (`contactAttributes`): what this person has, else whether the first attribute is readable. */
async function contactsCheck(client: Client, options: ResolvedLdapOptions, entry: Entry): Promise<CheckItem> {
  const names = contactAttributeNames(options.contactAttributes);
  const label = `personal contacts (${names.join(', ')})`;
  const found = contactsOf((name) => valuesOf(entry, name), options.contactAttributes!, firstOf(entry, [options.attributes.email]));
  if (found.emails.length + found.phones.length > 0) return ok(label, `readable: ${found.emails.length} address(es), ${found.phones.length} phone(s)`);
  if (names.length === 0) return ok(label, 'none mapped');
  return readFinding(label, (await probeRead(() => client.compare(entry.dn, names[0]!, 'unlatch-probe'))).answer, false);
}

function readFinding(label: string, answer: ProbeAnswer, required: boolean): CheckItem {
  if (answer === 'allowed') return required ? missing(label, 'readable, but this person has no value: Unlatch cannot use the account') : ok(label, 'readable, not set for this person');
  if (answer === 'denied' || answer === 'invisible') return missing(label, 'not readable by the service account');
  return unknown(label, 'could not tell whether the service account may read it');
}

async function groupsCheck(client: Client, options: ResolvedLdapOptions, entry: Entry): Promise<CheckItem> {
  const mode = options.groups;
  const label = mode.type === 'memberOf' ? `groups (${mode.attribute})` : `groups (search under ${mode.baseDn})`;
  if (mode.type === 'memberOf' && valuesOf(entry, mode.attribute).length === 0) {
    const answer = (await probeRead(() => client.compare(entry.dn, mode.attribute, `cn=unlatch-probe,${options.baseDn}`))).answer;
    return readFinding(label, answer, false);
  }
  try {
    const groups = await groupsOf(client, entry, options);
    return ok(label, groups.length > 0 ? `readable: ${groups.join(', ')}` : 'the search ran; this person is in no group');
  } catch (error) {
    return missing(label, `the group search failed: ${error instanceof Error ? error.message || error.name : String(error)}`);
  }
}

async function writeCheck(client: Client, dn: string, label: string, attribute: string, impossibleValue: string): Promise<CheckItem> {
  const title = `${label} (write ${attribute})`;
  const { answer, error } = await probeWrite(() =>
    client.modify(dn, new Change({ operation: 'delete', modification: new Attribute({ type: attribute, values: [impossibleValue] }) })),
  );
  if (answer === 'allowed') return ok(title, 'allowed (checked without changing anything)');
  if (answer === 'denied') return missing(title, `not allowed: give the service account write access to ${attribute}`);
  if (answer === 'invisible') return missing(title, 'not allowed: the service account cannot see the entry to write it');
  return unknown(title, `could not tell without changing a password (${error instanceof Error ? error.message || error.name : String(error)})`);
}

/** ppolicy's `pwdReset`, for the helpdesk's one-time passwords: optional, so a refusal is "not checked", not a failure. */
async function mustChangeCheck(client: Client, dn: string): Promise<CheckItem> {
  // `FALSE` is never stored (ppolicy deletes the attribute rather than set it false): the delete cannot succeed.
  const found = await writeCheck(client, dn, 'one-time passwords', PWD_RESET, 'FALSE');
  if (found.status !== 'missing') return found;
  return skipped(found.label, 'not allowed; needed only for the helpdesk\'s one-time passwords (give the service account write access to pwdReset)');
}

async function policyCheck(client: Client, policyDn: string): Promise<CheckItem> {
  const label = `password policy (${policyDn})`;
  try {
    const { searchEntries } = await client.search(policyDn, { scope: 'base', filter: '(objectClass=*)', attributes: ['pwdMinLength'] });
    const min = searchEntries[0] ? firstOf(searchEntries[0], ['pwdMinLength']) : undefined;
    if (min !== undefined) return ok(label, `readable: pwdMinLength ${min}`);
  } catch {
    // Reported below: only the wording of "too short" messages depends on it.
  }
  return unknown(label, 'pwdMinLength not readable: "too short" messages cannot name the minimum');
}

async function visible(client: Client, dn: string): Promise<boolean> {
  try {
    const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['1.1'] });
    return searchEntries.length === 1;
  } catch (error) {
    // slapd answers "no such object" for an entry the account may not see, as for one that is not there.
    if (error instanceof NoSuchObjectError || error instanceof InsufficientAccessError || error instanceof InvalidDNSyntaxError) return false;
    throw error;
  }
}
