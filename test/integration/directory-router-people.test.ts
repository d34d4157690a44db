import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRouter, type DirectoryFailure, type RoutedDirectory } from '../../src/adapters/directory/directory-router.js';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import type { Directory, DirectoryAccount } from '../../src/core/ports/directory.js';
import { PAGING_PEOPLE } from '../contract/directory-people.contract.js';
import { PEOPLE_LIST } from '../helpers/directory-people.js';
import { addLdapPeople } from '../helpers/ldap-people.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';

/**
 * The router's people search, listing and account details over two directories of one tenant: a real
 * slapd (`ldap-1`) and the built-in directory, with and without `alsoWriteTo` copies between them.
 */

const TENANT = 'demo';

/** People of the built-in directory: some only there, some with an LDAP person's username. */
const BUILTIN_PEOPLE = [
  { username: 'zoe', email: 'zoe@example.org', displayName: 'Zoe Builtin' },
  { username: 'bob', email: 'bob@builtin.example.org', displayName: 'Bob Builtin' },
  { username: 'frank', email: 'frank@builtin.example.org', displayName: 'Frank Builtin' },
  { username: 'pagerb1', email: 'pagerb1@builtin.example.org', displayName: 'Builtin Pager 1' },
  { username: 'pagerb2', email: 'pagerb2@builtin.example.org', displayName: 'Builtin Pager 2' },
];

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('DirectoryRouter people operations on slapd and the built-in directory', () => {
  const clock = new TestClock();
  let slapd: Slapd;
  let tap: LdapTap;
  let closeStore: () => Promise<void>;
  let sql: SqlDirectory;
  let ldap: LdapDirectory;
  let tapped: LdapDirectory;
  const failures: DirectoryFailure[] = [];

  /** A router over [name, adapter, alsoWriteTo] in this order. */
  const routerOf = (...list: [string, Directory, string[]?][]) => {
    const routed: RoutedDirectory[] = list.map(([name, directory, alsoWriteTo]) => ({
      name,
      directory,
      builtin: directory === sql,
      alsoWriteTo: alsoWriteTo ?? [],
      cacheSeconds: 0,
    }));
    return new DirectoryRouter({ tenants: new Map([[TENANT, routed]]), defaultTenantId: TENANT, clock, events: { onFailure: (f) => failures.push(f) } });
  };
  const listAll = async (router: DirectoryRouter, pageSize?: number): Promise<DirectoryAccount[]> => {
    const all: DirectoryAccount[] = [];
    for await (const account of router.listPeople(TENANT, pageSize === undefined ? undefined : { pageSize })) all.push(account);
    return all;
  };
  const ldapUsernames = [...PEOPLE_LIST.map((p) => p.username), ...PAGING_PEOPLE.map((p) => p.username)];
  const builtinUsernames = BUILTIN_PEOPLE.map((p) => p.username);

  beforeAll(async () => {
    slapd = await startSlapd();
    await addLdapPeople(slapd, PAGING_PEOPLE);
    tap = await startLdapTap({ target: { host: '127.0.0.1', port: Number(new URL(slapd.url).port) } });
    const opened = await openTempSqliteStore(clock);
    closeStore = opened.close;
    const hasher = new Argon2Hasher();
    const users = new SqlUserRepository(opened.handle.db);
    for (const person of BUILTIN_PEOPLE) {
      await users.insert({ tenantId: TENANT, ...person, passwordHash: await hasher.hash(`${person.username}-Builtin-2024`) }, clock.now());
    }
    sql = new SqlDirectory(opened.handle.db, hasher, clock);
    const common = { tenantId: TENANT, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, passwordPolicyDn: POLICY_DN };
    ldap = new LdapDirectory({ ...common, url: slapd.url });
    tapped = new LdapDirectory({ ...common, url: tap.url });
  });
  afterAll(async () => {
    await tap?.close();
    await closeStore?.();
    await slapd?.stop();
  });

  it('searches every directory and merges the answers: ids name their directory, the built-in ones stay bare', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    const bobs = await router.searchPeople(TENANT, 'bob', 10);
    expect(bobs.map((a) => a.username)).toEqual(['bob', 'bob']);
    const [fromLdap, fromBuiltin] = [bobs.find((a) => a.id.startsWith('ldap-1:')), bobs.find((a) => !a.id.startsWith('ldap-1:'))];
    expect(fromLdap).toEqual(await router.findById(TENANT, fromLdap!.id));
    expect(fromBuiltin).toMatchObject({ id: (await sql.findByIdentifier(TENANT, 'bob'))!.id, displayName: 'Bob Builtin' });
    // Only in one directory each.
    expect((await router.searchPeople(TENANT, 'zoe', 10)).map((a) => a.id)).toEqual([(await sql.findByIdentifier(TENANT, 'zoe'))!.id]);
    expect((await router.searchPeople(TENANT, 'lic', 10)).map((a) => a.username)).toEqual(['alice']);
  });

  it('caps the merged answer at the limit, in username order', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    const all = await router.searchPeople(TENANT, 'pager', 100);
    expect(all.map((a) => a.username)).toEqual([...PAGING_PEOPLE.map((p) => p.username), 'pagerb1', 'pagerb2'].sort());
    const capped = await router.searchPeople(TENANT, 'pager', 4);
    expect(capped.map((a) => a.username)).toEqual(['pager01', 'pager02', 'pager03', 'pager04']);
    expect(await router.searchPeople(TENANT, '*)(uid=*', 10)).toEqual([]);
    await expect(router.searchPeople(TENANT, 'x', -1)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await router.searchPeople('no-such-tenant', 'bob', 10)).toEqual([]);
  });

  it('lists directory after directory, in the configured order, with the page size passed on', async () => {
    const listed = await listAll(routerOf(['ldap-1', ldap], ['builtin', sql]), 5);
    expect(listed.map((a) => a.username)).toHaveLength(ldapUsernames.length + builtinUsernames.length);
    const firstBuiltin = listed.findIndex((a) => !a.id.startsWith('ldap-1:'));
    expect(firstBuiltin).toBe(ldapUsernames.length);
    expect(listed.slice(0, firstBuiltin).map((a) => a.username).sort()).toEqual([...ldapUsernames].sort());
    expect(listed.slice(firstBuiltin).map((a) => a.username)).toEqual([...builtinUsernames].sort());
    // The other order.
    const reversed = await listAll(routerOf(['builtin', sql], ['ldap-1', ldap]));
    expect(reversed.slice(0, builtinUsernames.length).every((a) => !a.id.startsWith('ldap-1:'))).toBe(true);
    await expect(listAll(routerOf(['ldap-1', ldap], ['builtin', sql]), 0)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('a person copied by alsoWriteTo is one person: left out of the copy directory in search and listing', async () => {
    const router = routerOf(['ldap-1', ldap, ['builtin']], ['builtin', sql]);
    const bobs = await router.searchPeople(TENANT, 'bob', 10);
    expect(bobs).toHaveLength(1);
    expect(bobs[0]!.id).toMatch(/^ldap-1:/);
    const listed = await listAll(router);
    const builtinListed = listed.filter((a) => !a.id.startsWith('ldap-1:')).map((a) => a.username);
    // bob and frank are LDAP people's copies; zoe and the pagers live only in the built-in directory.
    expect(builtinListed).toEqual(['pagerb1', 'pagerb2', 'zoe']);
    expect(listed).toHaveLength(ldapUsernames.length + 3);

    // Two directories that copy to each other: the first listed keeps the person.
    const mutual = await listAll(routerOf(['builtin', sql, ['ldap-1']], ['ldap-1', ldap, ['builtin']]));
    expect(mutual.filter((a) => a.username === 'bob').map((a) => a.id.startsWith('ldap-1:'))).toEqual([false]);
    expect(mutual).toHaveLength(ldapUsernames.length + builtinUsernames.length - 2);
  });

  it('accountDetails asks the directory the id names and says which one it is', async () => {
    const router = routerOf(['ldap-1', ldap], ['builtin', sql]);
    const [zoe] = await router.searchPeople(TENANT, 'zoe', 1);
    const zoeDetails = await router.accountDetails(zoe!);
    expect(zoeDetails).toMatchObject({ directory: 'builtin', passwordExpiresAt: null });
    expect(zoeDetails.passwordLastSetAt).toBeInstanceOf(Date);
    const [alice] = await router.searchPeople(TENANT, 'alice', 1);
    expect(await router.accountDetails(alice!)).toMatchObject({ directory: 'ldap-1', passwordLastSetAt: null, attributes: { distinguishedName: slapd.dnOf('alice') } });
    // An id no directory of the tenant hands out.
    expect(await router.accountDetails({ ...alice!, id: 'ldap-9:whatever', tenantId: 'no-such-tenant' })).toEqual({});
  });

  it('stopping a listing early ends the directory listing too (its connection is closed)', async () => {
    const router = routerOf(['ldap-1', tapped], ['builtin', sql]);
    tap.clear();
    let seen = 0;
    for await (const account of router.listPeople(TENANT, { pageSize: 10 })) {
      expect(account.id).toMatch(/^ldap-1:/);
      if (++seen === 2) break;
    }
    expect(tap.requests.filter((r) => r.op === LDAP_OP.search)).toHaveLength(1);
    // Both of the listing's connections are unbound; the unbinds cross the tap on their own schedule.
    await expect.poll(() => tap.requests.filter((r) => r.op === LDAP_OP.unbind).length).toBe(2);
  });

  it('a directory that is down fails search and listing with directory_unavailable, reported; the other directory still answers details', async () => {
    const router = routerOf(['builtin', sql], ['ldap-1', ldap]);
    const [zoe] = await router.searchPeople(TENANT, 'zoe', 1);
    await slapd.halt();
    failures.length = 0;
    try {
      await expect(router.searchPeople(TENANT, 'zoe', 10)).rejects.toMatchObject({ code: 'directory_unavailable' });
      // The built-in directory's people come first; the listing fails when it reaches LDAP.
      const seen: string[] = [];
      await expect(
        (async () => {
          for await (const account of router.listPeople(TENANT)) seen.push(account.username);
        })(),
      ).rejects.toMatchObject({ code: 'directory_unavailable' });
      expect(seen).toEqual([...builtinUsernames].sort());
      expect((await router.accountDetails(zoe!)).directory).toBe('builtin');
      expect(failures).toEqual([
        { tenantId: TENANT, directory: 'ldap-1', reason: 'unavailable', operation: 'lookup' },
        { tenantId: TENANT, directory: 'ldap-1', reason: 'unavailable', operation: 'lookup' },
      ]);
    } finally {
      await slapd.resume();
    }
  });
});
