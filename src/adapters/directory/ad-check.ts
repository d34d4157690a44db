import { InsufficientAccessError, NoSuchObjectError, type Client, type Entry } from 'ldapts';
import { normalizeIdentifier } from '../../core/identity/normalize.js';
import { COMPUTED_UAC, accountAttributes, attribute, isEnabled, isLocked, text, texts } from './ad-account.js';
import { adConnector } from './ad-connection.js';
import { classifyAdError, type AdLogonProblem } from './ad-errors.js';
import { PERSON_FILTER, personFilter } from './ad-filter.js';
import { parseFilter } from './ldap-filter.js';
import type { ResolvedAdOptions } from './ad-options.js';
import { contactAttributeNames, contactsOf } from './directory-contacts.js';
import { missing, ok, skipped, unknown, type CheckItem } from './check-item.js';
import { checkAsServiceAccount } from './service-account-check.js';

/** The constructed attribute listing the attributes of an entry the bound account may write. */
const ALLOWED_EFFECTIVE = 'allowedAttributesEffective';

const SERVICE_LOGON: Record<AdLogonProblem, string> = {
  invalid_credentials: 'wrong service password (or bindDn): the domain controller refused the bind',
  must_change_password: 'the service account must change its password before it can bind',
  locked_out: 'the service account is locked out (too many wrong passwords)',
  disabled: 'the service account is disabled',
  password_expired: "the service account's password has expired",
  account_expired: 'the service account has expired',
  logon_hours: 'the service account may not log on at this time (logonHours)',
  workstation: 'the service account may not log on from here (userWorkstations)',
};

/**
 * `unlatch directory check` for Active Directory: binds as the service account, looks the test person up,
 * and reads `allowedAttributesEffective` on their entry — AD's own list of the attributes the bound account
 * may write there, computed from the ACLs, so nothing has to be written to find out.
 *
 * One gap: AD grants resets through the "Reset Password" control access right, which that list does not
 * show. When `unicodePwd` is not listed, the report says it could not tell, rather than guess.
 */
export async function checkActiveDirectory(options: ResolvedAdOptions, user: string | undefined): Promise<CheckItem[]> {
  return checkAsServiceAccount(adConnector(options), options, user, {
    bindRefused: serviceLogonProblem,
    people: (client, items) => checkPeople(client, options, items),
    testAccount: (client, testUser, items) => checkTestAccount(client, options, testUser, items),
  });
}

/** AD's reason for refusing the service account's logon, in the words of SERVICE_LOGON. */
function serviceLogonProblem(error: unknown): string | undefined {
  const failure = classifyAdError(error);
  return failure.kind === 'logon' ? SERVICE_LOGON[failure.problem] : undefined;
}

async function checkPeople(client: Client, options: ResolvedAdOptions, items: CheckItem[]): Promise<boolean> {
  const searchLabel = `search under ${options.baseDn}`;
  let anyone: Entry[];
  try {
    ({ searchEntries: anyone } = await client.search(options.baseDn, { scope: 'sub', filter: parseFilter(`(&${PERSON_FILTER})`), attributes: ['1.1'], sizeLimit: 1 }));
  } catch (error) {
    if (!(error instanceof NoSuchObjectError || error instanceof InsufficientAccessError)) throw error;
    items.push(missing(searchLabel, 'baseDn does not exist, or the service account may not see it'));
    return false;
  }
  items.push(anyone.length > 0 ? ok(searchLabel, 'people found') : missing(searchLabel, 'no user accounts visible: check baseDn and that the service account may read people'));
  return true;
}

async function checkTestAccount(client: Client, options: ResolvedAdOptions, user: string, items: CheckItem[]): Promise<void> {
  const { searchEntries } = await client.search(options.baseDn, {
    scope: 'sub',
    filter: personFilter(options.userFilter, normalizeIdentifier(user)),
    attributes: [...accountAttributes(options.attributes), ALLOWED_EFFECTIVE],
    explicitBufferAttributes: ['objectGUID'],
    sizeLimit: 2,
  });
  if (searchEntries.length !== 1) {
    items.push(missing(`find ${user}`, searchEntries.length === 0 ? 'no user account matches under baseDn' : 'several accounts match; Unlatch treats that as no match'));
    return;
  }
  const entry = searchEntries[0]!;
  items.push(ok(`find ${user}`, entry.dn));
  readChecks(entry, options, items);
  writeChecks(entry, options, items);
}

/** AD leaves out attributes the account may not read, as it does unset ones: only a value proves readable. */
function readChecks(entry: Entry, options: ResolvedAdOptions, items: CheckItem[]): void {
  const { email, phone, displayName } = options.attributes;
  const required = (label: string, name: string, shown: (v: string) => string) => {
    const value = name === 'objectGUID' ? (attribute(entry, name) === undefined ? undefined : 'present') : text(entry, name);
    items.push(value === undefined ? missing(`${label} (${name})`, 'not returned: the service account may not read it') : ok(`${label} (${name})`, `readable: ${shown(value)}`));
  };
  required('username', 'sAMAccountName', (v) => v);
  required('account id', 'objectGUID', () => 'present');
  required('enabled', 'userAccountControl', (v) => (isEnabled(v) ? 'enabled' : 'disabled'));
  for (const [label, name] of [['email', email], ['phone', phone], ['display name', displayName], ['groups', 'memberOf']] as const) {
    const value = text(entry, name);
    items.push(value === undefined ? unknown(`${label} (${name})`, 'not returned: not set for this person, or not readable by the service account') : ok(`${label} (${name})`, `readable: ${value}`));
  }
  const contacts = options.attributes.contacts;
  if (contacts) {
    const names = contactAttributeNames(contacts);
    const found = contactsOf((name) => texts(entry, name), contacts, text(entry, email));
    const label = `personal contacts (${names.join(', ')})`;
    const count = found.emails.length + found.phones.length;
    items.push(count > 0 ? ok(label, `readable: ${found.emails.length} address(es), ${found.phones.length} phone(s)`) : unknown(label, 'not returned: not set for this person, or not readable by the service account'));
  }
  const computed = text(entry, COMPUTED_UAC);
  const lockout = text(entry, 'lockoutTime');
  const lockLabel = `lock state (${COMPUTED_UAC}, lockoutTime)`;
  if (computed === undefined && lockout === undefined) items.push(unknown(lockLabel, 'not returned: a locked-out account might look unlocked'));
  else items.push(ok(lockLabel, `readable: ${isLocked(computed, lockout) ? 'locked out' : 'not locked'}`));
}

function writeChecks(entry: Entry, options: ResolvedAdOptions, items: CheckItem[]): void {
  const raw = attribute(entry, ALLOWED_EFFECTIVE);
  const allowed = new Set((raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]).map((v) => String(v).toLowerCase()));
  const resetLabel = 'reset password (unicodePwd)';
  if (options.plain) items.push(missing(resetLabel, 'the connection is not encrypted: no password is ever sent over it (use ldaps:// or startTls: true)'));
  else if (allowed.has('unicodepwd')) items.push(ok(resetLabel, 'allowed (allowedAttributesEffective lists unicodePwd)'));
  else {
    items.push(
      unknown(
        resetLabel,
        'cannot be checked without changing a password: AD grants resets through the "Reset password" right, which allowedAttributesEffective does not show',
      ),
    );
  }
  if (raw === undefined) {
    items.push(unknown('unlock (write lockoutTime)', `${ALLOWED_EFFECTIVE} was not returned: cannot tell`));
    return;
  }
  const unlockLabel = 'unlock (write lockoutTime)';
  items.push(allowed.has('lockouttime') ? ok(unlockLabel, 'allowed (allowedAttributesEffective)') : missing(unlockLabel, 'not allowed: delegate "Write lockoutTime" on the people\'s OU'));
  // Only needed when a reset asks for a change at next logon; never a reason to fail the check.
  if (allowed.has('pwdlastset')) items.push(ok('must change at next logon (write pwdLastSet)', 'allowed'));
  else items.push(skipped('must change at next logon (write pwdLastSet)', 'not delegated; only needed to make people change a reset password at next logon'));
}
