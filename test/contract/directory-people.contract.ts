import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeIdentifier } from '../../src/core/identity/normalize.js';
import type { Directory, DirectoryAccount } from '../../src/core/ports/directory.js';
import { DIRECTORY_PEOPLE, PEOPLE_LIST, type PersonName } from '../helpers/directory-people.js';
import type { DirectoryFixture, DirectoryTarget } from './directory.contract.js';

/**
 * The operator console's people search, listing and account details (the Directory port's optional
 * `searchPeople`, `listPeople`, `accountDetails`): every directory that has them must pass this. Runs on a
 * fixture of its own (seeded with DIRECTORY_PEOPLE, then PAGING_PEOPLE through `addPeople`).
 */

/** One person the people contract adds, beside DIRECTORY_PEOPLE. */
export interface ExtraPerson {
  username: string;
  email: string;
  displayName: string;
  /** Meets every fixture directory's rules (length, complexity); used only to create the account. */
  password: string;
}

/** More people than two pages of ten, named so that searches can pick exact subsets. */
export const PAGING_PEOPLE: ExtraPerson[] = Array.from({ length: 25 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return { username: `pager${n}`, email: `pager${n}@paging.example.org`, displayName: `Paging Person ${n}`, password: `Pager-${n}-Secret-2024!` };
});

/** Filter metacharacters in a display name: found only when they are matched as the characters they are. */
export const ODD_PERSON: ExtraPerson = { username: 'oddity', email: 'oddity@example.org', displayName: 'Odd (Star*) Back\\slash', password: 'Oddity-Secret-2024!' };

/** A directory fixture that can add people. */
export interface PeopleFixture extends DirectoryFixture {
  /** Adds people the directory's own way (no groups, enabled). */
  addPeople(people: ExtraPerson[]): Promise<void>;
  /** Usernames the directory lists beside DIRECTORY_PEOPLE and the added ones (AD's own fixture people). */
  alsoListed?: string[];
}

export interface PeopleTarget extends Omit<DirectoryTarget, 'open'> {
  open(): Promise<PeopleFixture>;
}

/** Search texts made of filter (and SQL LIKE) syntax: none of the fixture's people has them in a name or address. */
export const SEARCH_INJECTIONS = ['*)(uid=*', '*)(|(objectClass=*', 'ali*', 'a*e', ')(', '\\2a', '%', '_', 'a%e', 'al_ce'];

export function directoryPeopleContract(target: PeopleTarget, available: () => boolean): void {
  describe.runIf(available())(`Directory people contract on ${target.name}`, () => {
    let fixture: PeopleFixture;
    let directory: Directory;
    let tenantId: string;

    const search = (text: string, limit = 50) => directory.searchPeople!(tenantId, text, limit);
    const usernames = (accounts: DirectoryAccount[]) => accounts.map((a) => a.username).sort();
    const find = async (name: string): Promise<DirectoryAccount> => {
      const account = await directory.findByIdentifier(tenantId, normalizeIdentifier(name));
      if (!account) throw new Error(`${name} not found`);
      return account;
    };
    const listAll = async (pageSize?: number): Promise<DirectoryAccount[]> => {
      const all: DirectoryAccount[] = [];
      for await (const account of directory.listPeople!(tenantId, pageSize === undefined ? undefined : { pageSize })) all.push(account);
      return all;
    };

    beforeAll(async () => {
      fixture = await target.open();
      directory = fixture.directory;
      tenantId = fixture.tenantId;
      await fixture.addPeople([...PAGING_PEOPLE, ODD_PERSON]);
    }, 120_000);
    afterAll(async () => {
      await fixture?.close();
    });

    it('has all three people capabilities', () => {
      expect(typeof directory.searchPeople).toBe('function');
      expect(typeof directory.listPeople).toBe('function');
      expect(typeof directory.accountDetails).toBe('function');
    });

    it('finds people by part of the username, with the same account a lookup gives', async () => {
      const found = await search('lic');
      expect(usernames(found)).toEqual(['alice']);
      expect(found[0]).toEqual(await find('alice'));
    });

    it('finds people by part of the email address and of the display name', async () => {
      expect(usernames(await search('@paging.example'))).toEqual(PAGING_PEOPLE.map((p) => p.username));
      // Only in the display name ("Twin Two"): the usernames are twin1/twin2.
      expect(usernames(await search('Twin Tw'))).toEqual(['twin2']);
      expect(usernames(await search('Paging Person 1'))).toEqual(PAGING_PEOPLE.slice(9, 19).map((p) => p.username));
    });

    it('matches case-insensitively, non-ASCII letters included', async () => {
      expect(usernames(await search('ALICE.EXAMPLE@EXAMPLE'))).toEqual(['alice']);
      expect(usernames(await search('aLiCe'))).toEqual(['alice']);
      expect(usernames(await search('JÜRGEN'))).toEqual([DIRECTORY_PEOPLE.jurgen.username]);
      // Decomposed (u + combining diaeresis) text is normalized as identifiers are.
      expect(usernames(await search('Ju\u0308rg'))).toEqual([DIRECTORY_PEOPLE.jurgen.username]);
    });

    it('returns at most `limit` people, and none for limit 0', async () => {
      const five = await search('pager', 5);
      expect(five).toHaveLength(5);
      expect(new Set(five.map((a) => a.id)).size).toBe(5);
      for (const account of five) expect(account.username).toMatch(/^pager\d\d$/);
      expect(await search('pager', 0)).toEqual([]);
      expect(await search('pager', 1000)).toHaveLength(PAGING_PEOPLE.length);
    });

    it('treats filter metacharacters as the characters they are', async () => {
      expect(usernames(await search('(Star*)'))).toEqual([ODD_PERSON.username]);
      expect(usernames(await search('Back\\slash'))).toEqual([ODD_PERSON.username]);
      expect(usernames(await search('d (S'))).toEqual([ODD_PERSON.username]);
      // A lone wildcard or backslash is one character to find, not "everyone".
      expect(usernames(await search('*'))).toEqual([ODD_PERSON.username]);
      expect(usernames(await search('\\'))).toEqual([ODD_PERSON.username]);
    });

    it.each(SEARCH_INJECTIONS)('the search text %j finds nobody', async (text) => {
      expect(await search(text)).toEqual([]);
    });

    it('empty or blank text, and another tenant, find nobody', async () => {
      expect(await search('')).toEqual([]);
      expect(await search('   ')).toEqual([]);
      expect(await directory.searchPeople!(`${tenantId}-other`, 'alice', 10)).toEqual([]);
    });

    it('refuses a limit or text it cannot take with invalid_request', async () => {
      for (const limit of [-1, 1.5, Number.NaN, 100_000]) await expect(search('alice', limit)).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(search('a'.repeat(257))).rejects.toMatchObject({ code: 'invalid_request' });
      // NUL (some servers end a value there: `*\0*` would match everyone) and other control characters.
      for (const text of ['\u0000', 'ali\u0000ce', 'a\nb', '\u007f']) await expect(search(text)).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(directory.searchPeople!(tenantId, 42 as unknown as string, 10)).rejects.toMatchObject({ code: 'invalid_request' });
    });

    it('lists every person exactly once over several pages, each as a lookup would give them', async () => {
      const listed = await listAll(10);
      const expected = [...PEOPLE_LIST.map((p) => p.username), ...PAGING_PEOPLE.map((p) => p.username), ODD_PERSON.username, ...(fixture.alsoListed ?? [])];
      expect(listed.map((a) => a.username).sort()).toEqual(expected.sort());
      expect(new Set(listed.map((a) => a.id)).size).toBe(listed.length);
      for (const name of ['alice', 'carol', 'jurgen'] as PersonName[]) {
        const account = listed.find((a) => a.username === DIRECTORY_PEOPLE[name].username);
        expect(account).toEqual(await find(DIRECTORY_PEOPLE[name].username));
      }
      expect(listed.find((a) => a.username === 'carol')?.enabled).toBe(false);
    });

    it('lists the same people whatever the page size (one page, pages of one)', async () => {
      const ids = (accounts: DirectoryAccount[]) => accounts.map((a) => a.id).sort();
      const byDefault = ids(await listAll());
      expect(ids(await listAll(1000))).toEqual(byDefault);
      expect(ids(await listAll(1))).toEqual(byDefault);
    });

    it('a listing stopped early leaves the directory usable, and another tenant lists nobody', async () => {
      let taken = 0;
      for await (const account of directory.listPeople!(tenantId, { pageSize: 10 })) {
        expect(account.tenantId).toBe(tenantId);
        if (++taken === 3) break;
      }
      expect(taken).toBe(3);
      expect(usernames(await search('lic'))).toEqual(['alice']);
      const other: DirectoryAccount[] = [];
      for await (const account of directory.listPeople!(`${tenantId}-other`)) other.push(account);
      expect(other).toEqual([]);
    });

    it('refuses a page size it cannot take with invalid_request', async () => {
      for (const pageSize of [0, -5, 2.5, 5000]) await expect(listAll(pageSize)).rejects.toMatchObject({ code: 'invalid_request' });
    });

    it('accountDetails tells when a password was set, after a reset at the latest, and never a secret', async () => {
      const person = await find('pager01');
      const write = await directory.preparePasswordWrite(person, 'Pager-01-Reset-2025!');
      await fixture.transaction((tx) => write.commit(tx));
      const details = await directory.accountDetails!(person);
      expect(details.passwordLastSetAt).toBeInstanceOf(Date);
      expect(Number.isNaN(details.passwordLastSetAt!.getTime())).toBe(false);
      expect(details.lockedAt ?? null).toBeNull();
      for (const [key, value] of Object.entries(details.attributes ?? {})) {
        expect(key).not.toMatch(/hash|userPassword|unicodePwd|secret/i);
        expect(value).not.toContain('Pager-01');
      }
      expect(JSON.stringify(details)).not.toContain('Pager-01-Reset');
    });

    it('accountDetails of an account that is gone, or of another tenant, tells nothing', async () => {
      const alice = await find('alice');
      expect(await directory.accountDetails!({ ...alice, id: '00000000-0000-4000-8000-000000000000' })).toEqual({});
      expect(await directory.accountDetails!({ ...alice, tenantId: `${tenantId}-other` })).toEqual({});
    });
  });
}
