/**
 * The people every Directory test fixture holds, whatever the directory: the contract suite runs the same
 * cases against each, so each must be seeded with the same people.
 */
export interface DirectoryPerson {
  username: string;
  /** Stored exactly so (mixed case on purpose: lookups arrive normalized to lower case). */
  email: string;
  phone?: string;
  displayName: string;
  groups: readonly string[];
  password: string;
  /** Disabled by an administrator (LDAP: the permanent ppolicy lock). */
  disabled?: boolean;
}

/** Shared by both twins, so a lookup by it matches two accounts. */
export const SHARED_EMAIL = 'twins@example.org';

/** Who is there and what each one is for; tests that change someone use that person only. */
export const DIRECTORY_PEOPLE = {
  /** Read-only: lookups, groups (the only member of `admins`). */
  alice: { username: 'alice', email: 'Alice.Example@Example.org', phone: '+15550100001', displayName: 'Alice Example', groups: ['admins', 'staff'], password: 'alice-Secret-2024' },
  /** Has her password reset. */
  bob: { username: 'bob', email: 'bob@example.org', phone: '+15550100002', displayName: 'Bob Example', groups: ['staff'], password: 'bob-Secret-2024' },
  /** Disabled by an administrator. */
  carol: { username: 'carol', email: 'carol@example.org', displayName: 'Carol Example', groups: [], password: 'carol-Secret-2024', disabled: true },
  /** Locked out and unlocked. */
  dave: { username: 'dave', email: 'dave@example.org', displayName: 'Dave Example', groups: ['staff'], password: 'dave-Secret-2024' },
  /** Changes his own password. */
  erin: { username: 'erin', email: 'erin@example.org', displayName: 'Erin Example', groups: [], password: 'erin-Secret-2024' },
  /** Two accounts, one email. */
  twin1: { username: 'twin1', email: SHARED_EMAIL, displayName: 'Twin One', groups: [], password: 'twin1-Secret-2024' },
  twin2: { username: 'twin2', email: SHARED_EMAIL, displayName: 'Twin Two', groups: [], password: 'twin2-Secret-2024' },
  /** For directory-specific integration tests (LDAP policy refusals, group modes); the contract leaves them alone. */
  frank: { username: 'frank', email: 'frank@example.org', displayName: 'Frank Example', groups: [], password: 'frank-Secret-2024' },
  grace: { username: 'grace', email: 'grace@example.org', displayName: 'Grace Example', groups: [], password: 'grace-Secret-2024' },
  heidi: { username: 'heidi', email: 'heidi@example.org', displayName: 'Heidi Example', groups: [], password: 'heidi-Secret-2024' },
  /**
   * A non-ASCII username, found by it in every directory (the contract only reads him). His address is
   * ASCII because OpenLDAP's `mail` is an IA5 (ASCII) string.
   */
  jurgen: { username: 'jürgen', email: 'juergen@example.org', displayName: 'Jürgen Groß', groups: [], password: 'juergen-Secret-2024' },
} as const satisfies Record<string, DirectoryPerson>;

export type PersonName = keyof typeof DIRECTORY_PEOPLE;

export const PEOPLE_LIST: DirectoryPerson[] = Object.values(DIRECTORY_PEOPLE);

/** Group names used by the fixture, each with its members. */
export function groupsWithMembers(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const person of PEOPLE_LIST) {
    for (const group of person.groups) groups.set(group, [...(groups.get(group) ?? []), person.username]);
  }
  return groups;
}
