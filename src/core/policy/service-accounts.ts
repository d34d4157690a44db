/**
 * Privileged and service accounts (policy `serviceAccounts`): never offered self-service, whatever a rule
 * says, and every attempt on one is suspicious. A takeover of a domain administrator or of the account a
 * backup job runs as is worth the most to an attacker, and no real person resets such an account from the
 * portal: someone trying is more likely probing than locked out. Pure: the directory has read the groups and
 * the attribute values already (`DirectoryAccount.attributes`, for the names {@link serviceAccountAttributeNames}
 * gives the adapters).
 */

/** What marks an account as privileged or a service account. */
export interface ServiceAccountMarks {
  /** Members of any of these directory groups (names compared case-insensitively). */
  groups: readonly string[];
  /** An attribute that marks them (e.g. `employeeType: service`): any of `values`, compared case-insensitively. */
  attribute?: { name: string; values: readonly string[] } | undefined;
}

/** What {@link isServiceAccount} reads of an account. */
export interface MarkedAccount {
  groups: readonly string[];
  /** Values of the attributes the policy names, by lower-case attribute name (see `DirectoryAccount.attributes`). */
  attributes?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * Active Directory's built-in privileged groups (Microsoft, "Appendix B: Privileged Accounts and Groups in
 * Active Directory", the groups AdminSDHolder protects) and the conventional service-account group. Their
 * members can take over a domain, or are used by machines rather than people.
 */
export const DEFAULT_SERVICE_ACCOUNT_GROUPS: readonly string[] = Object.freeze([
  'service-accounts',
  'Domain Admins',
  'Enterprise Admins',
  'Schema Admins',
  'Administrators',
  'Account Operators',
  'Backup Operators',
  'Server Operators',
  'Print Operators',
  'Key Admins',
  'Enterprise Key Admins',
  'Group Policy Creator Owners',
]);

/** The marks of a tenant whose configuration says nothing. */
export const DEFAULT_SERVICE_ACCOUNTS: ServiceAccountMarks = Object.freeze({ groups: DEFAULT_SERVICE_ACCOUNT_GROUPS });

/** The audit details and metric reason of an attempt on a service account. */
export const SERVICE_ACCOUNT_REASON = 'service_account';

/** Whether the account is marked as privileged or a service account by group or by attribute. */
export function isServiceAccount(marks: ServiceAccountMarks | undefined, account: MarkedAccount): boolean {
  if (!marks) return false;
  const groups = new Set(account.groups.map(fold));
  if (marks.groups.some((group) => groups.has(fold(group)))) return true;
  const attribute = marks.attribute;
  if (!attribute || !account.attributes) return false;
  const have = account.attributes[fold(attribute.name)] ?? [];
  const wanted = new Set(attribute.values.map(fold));
  return have.some((value) => wanted.has(fold(value)));
}

/** The marking groups the account is in, as configured (for the policy simulation's reasons). */
export function markingGroups(marks: ServiceAccountMarks | undefined, groups: readonly string[]): string[] {
  const mine = new Set(groups.map(fold));
  return (marks?.groups ?? []).filter((group) => mine.has(fold(group)));
}

/** The attribute names directories must read so {@link isServiceAccount} can see them (each once, lower case). */
export function serviceAccountAttributeNames(marks: readonly (ServiceAccountMarks | undefined)[]): string[] {
  return [...new Set(marks.flatMap((m) => (m?.attribute ? [fold(m.attribute.name)] : [])))];
}

/**
 * The values of `names` an entry holds, keyed by lower-case name (absent names left out), for
 * `DirectoryAccount.attributes`; `read` gives every value of one attribute. Undefined when `names` is empty.
 */
export function markerAttributesOf(names: readonly string[], read: (name: string) => string[]): Record<string, string[]> | undefined {
  if (names.length === 0) return undefined;
  const out: Record<string, string[]> = {};
  for (const name of names) {
    const values = read(name);
    if (values.length > 0) out[fold(name)] = values;
  }
  return out;
}

function fold(text: string): string {
  return text.toLowerCase();
}
