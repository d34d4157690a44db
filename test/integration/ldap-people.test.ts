import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generalizedTime } from '../../src/adapters/directory/ldap-account-details.js';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import type { LdapDirectoryOptions } from '../../src/adapters/directory/ldap-options.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';
import { PAGING_PEOPLE } from '../contract/directory-people.contract.js';
import { DIRECTORY_PEOPLE, PEOPLE_LIST } from '../helpers/directory-people.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';
import { addLdapPeople, addedPersonDn } from '../helpers/ldap-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, GROUPS_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';

/**
 * What the people contract cannot see from outside on OpenLDAP: that the listing really pages (RFC 2696
 * control on the wire, pages fetched only as they are taken), the ppolicy dates behind accountDetails, group
 * search mode, and outages before and during a listing.
 */

const TENANT = 'demo';
/** The Simple Paged Results control (RFC 2696): its OID travels in every paged search request. */
const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('LdapDirectory people listing, search and details on a real slapd', () => {
  let slapd: Slapd;
  let tap: LdapTap;
  let transaction: (work: (tx: StoreTx) => Promise<void>) => Promise<void>;
  let closeStore: () => Promise<void>;

  const directoryWith = (overrides: Partial<LdapDirectoryOptions> = {}) =>
    new LdapDirectory({
      tenantId: TENANT,
      url: slapd.url,
      insecure: true,
      bindDn: slapd.service.dn,
      bindPassword: slapd.service.password,
      baseDn: BASE_DN,
      passwordPolicyDn: POLICY_DN,
      ...overrides,
    });
  const find = async (directory: LdapDirectory, username: string): Promise<DirectoryAccount> => {
    const account = await directory.findByIdentifier(TENANT, username);
    if (!account) throw new Error(`${username} not found`);
    return account;
  };
  const everyone = PEOPLE_LIST.length + PAGING_PEOPLE.length;

  beforeAll(async () => {
    slapd = await startSlapd();
    await addLdapPeople(slapd, PAGING_PEOPLE);
    const { port } = new URL(slapd.url);
    tap = await startLdapTap({ target: { host: '127.0.0.1', port: Number(port) } });
    const opened = await openTempSqliteStore(new TestClock());
    transaction = (work) => opened.store.transaction(work);
    closeStore = opened.close;
  });
  afterAll(async () => {
    await tap?.close();
    await closeStore?.();
    await slapd?.stop();
  });

  it('lists page by page with the paged results control on one connection, and asks for a page only when it is reached', async () => {
    const directory = directoryWith({ url: tap.url });
    tap.clear();
    const listed: DirectoryAccount[] = [];
    for await (const account of directory.listPeople(TENANT, { pageSize: 10 })) listed.push(account);
    expect(listed).toHaveLength(everyone);
    const pages = tap.containing(PAGED_RESULTS_OID, LDAP_OP.search);
    expect(pages).toHaveLength(Math.ceil(everyone / 10));
    expect(new Set(pages.map((p) => p.connection)).size).toBe(1);

    // Stopping after the first person: the second page is never asked for, and both connections (the
    // pager's and the one for each entry's other reads) are closed.
    tap.clear();
    const connectionsBefore = tap.connections;
    for await (const account of directory.listPeople(TENANT, { pageSize: 10 })) {
      expect(account.tenantId).toBe(TENANT);
      break;
    }
    expect(tap.containing(PAGED_RESULTS_OID, LDAP_OP.search)).toHaveLength(1);
    expect(tap.connections).toBe(connectionsBefore + 2);
    // The unbinds cross the tap on their own schedule: wait for them to be seen.
    await expect.poll(() => tap.requests.filter((r) => r.op === LDAP_OP.unbind).length).toBe(2);
  });

  it('the search sends the text escaped inside the wildcards, and a size limit', async () => {
    const directory = directoryWith({ url: tap.url });
    tap.clear();
    expect(await directory.searchPeople(TENANT, '*)(uid=*', 10)).toEqual([]);
    const [request] = tap.containing('uid', LDAP_OP.search);
    // The value's `*`, `(`, `)` are bytes to find inside a substring filter, never filter syntax: the text
    // `*)(uid=*` travels as one substring value.
    expect(request!.bytes.includes(Buffer.from('*)(uid=*'))).toBe(true);
    expect(request!.bytes.includes(Buffer.from('(uid=*)'))).toBe(false);
  });

  it('lists people with their groups read by a group search, when so configured', async () => {
    const directory = directoryWith({ groups: { type: 'search', baseDn: GROUPS_DN } });
    const listed = new Map<string, DirectoryAccount>();
    for await (const account of directory.listPeople(TENANT, { pageSize: 7 })) listed.set(account.username, account);
    expect(listed.size).toBe(everyone);
    expect(listed.get('alice')?.groups).toEqual(['admins', 'staff']);
    expect(listed.get('bob')?.groups).toEqual(['staff']);
    expect(listed.get('pager01')?.groups).toEqual([]);
    expect((await directory.searchPeople(TENANT, 'alice', 5))[0]?.groups).toEqual(['admins', 'staff']);
  });

  it('accountDetails: pwdChangedTime after a write, expiry from the policy pwdMaxAge, nothing where ppolicy never saw a write', async () => {
    const directory = directoryWith();
    const pager = await find(directory, 'pager02');
    // Added without ppolicy seeing a password change: no pwdChangedTime, so no date. The policy has no
    // pwdMaxAge: nothing expires.
    const before = await directory.accountDetails(pager);
    expect(before.passwordLastSetAt).toBeNull();
    expect(before.passwordExpiresAt).toBeNull();
    expect(before.attributes?.distinguishedName).toBe(addedPersonDn('pager02'));

    const write = await directory.preparePasswordWrite(pager, 'Pager-02-Reset-2025!');
    await transaction((tx) => write.commit(tx));
    const stored = generalizedTime((await slapd.read(addedPersonDn('pager02'), ['pwdChangedTime'])).pwdChangedTime?.[0]);
    expect(stored).toBeInstanceOf(Date);
    // The recipe's policy has no pwdMaxAge: the password never expires.
    expect(await directory.accountDetails(pager)).toMatchObject({ passwordLastSetAt: stored, passwordExpiresAt: null, lockedAt: null });

    await slapd.replace(POLICY_DN, 'pwdMaxAge', ['86400']);
    try {
      const details = await directory.accountDetails(pager);
      expect(details.passwordExpiresAt?.getTime()).toBe(stored!.getTime() + 86_400_000);
      // A maximum age but no pwdChangedTime: when it expires cannot be told.
      expect((await directory.accountDetails(await find(directory, 'pager04'))).passwordExpiresAt).toBeUndefined();
    } finally {
      await slapd.replace(POLICY_DN, 'pwdMaxAge', []);
    }
  });

  it('accountDetails: a lockout has its time; an administrator-disabled account is not "locked at" year 0', async () => {
    const directory = directoryWith();
    const dn = addedPersonDn('pager03');
    for (let i = 0; i < 3; i++) await slapd.whoami(dn, `wrong-${i}`);
    const lockedTime = generalizedTime((await slapd.read(dn, ['pwdAccountLockedTime'])).pwdAccountLockedTime?.[0]);
    expect(lockedTime).toBeInstanceOf(Date);
    const pager = await find(directory, 'pager03');
    expect(pager.locked).toBe(true);
    expect((await directory.accountDetails(pager)).lockedAt).toEqual(lockedTime);

    const carol = await find(directory, DIRECTORY_PEOPLE.carol.username);
    expect(carol.enabled).toBe(false);
    expect((await directory.accountDetails(carol)).lockedAt).toBeNull();
  });

  it('a directory that is down fails search, listing and details with directory_unavailable, also between pages', async () => {
    const directory = directoryWith();
    const alice = await find(directory, 'alice');
    const iterator = directory.listPeople(TENANT, { pageSize: 10 })[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await iterator.next()).done).toBe(false);
    await slapd.halt();
    try {
      await expect(iterator.next()).rejects.toMatchObject({ code: 'directory_unavailable' });
      await expect(directory.searchPeople(TENANT, 'alice', 5)).rejects.toMatchObject({ code: 'directory_unavailable' });
      await expect(directory.accountDetails(alice)).rejects.toMatchObject({ code: 'directory_unavailable' });
      const fresh = directory.listPeople(TENANT)[Symbol.asyncIterator]();
      await expect(fresh.next()).rejects.toMatchObject({ code: 'directory_unavailable' });
    } finally {
      await slapd.resume();
    }
    expect((await directory.searchPeople(TENANT, 'alice', 5)).map((a) => a.username)).toEqual(['alice']);
  });
});
