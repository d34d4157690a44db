import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Attribute, type Client } from 'ldapts';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileTime } from '../../src/adapters/directory/ad-account-details.js';
import { encodeUnicodePwd } from '../../src/adapters/directory/ad-password.js';
import { ActiveDirectoryDirectory } from '../../src/adapters/directory/active-directory.js';
import type { ActiveDirectoryOptions } from '../../src/adapters/directory/ad-options.js';
import { escapeDnValue } from '../../src/adapters/directory/ldap-escape.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';
import { directoryPeopleContract, type ExtraPerson } from '../contract/directory-people.contract.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';
import { AD_PEOPLE, DOMAIN_DN, DOMAIN_POLICY, GROUPS_OU, NESTED_GROUP, PEOPLE_OU, type SambaAd } from '../helpers/samba-ad.js';
import { freePort } from '../helpers/services.js';

/**
 * The operator console's people search, listing and details on Active Directory: the people contract, then
 * what only AD has — paged listing on the wire, `memberOf` read in ranges, nested groups, FILETIME dates.
 * Registered inside test/integration/active-directory.test.ts, against the Samba AD DC started there (only
 * one can run: it takes the standard ports), after every other AD case: the people added here stay.
 */

const TENANT = 'demo';
/** The Simple Paged Results control (RFC 2696). */
const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';
/** A person in more groups than one range of the test's step brings. */
const RANGER: ExtraPerson = { username: 'ranger', email: 'ranger@example.org', displayName: 'Range Person', password: 'Ranger-Secret-2024!' };
const RANGE_GROUPS = Array.from({ length: 12 }, (_, i) => `range-group-${String(i + 1).padStart(2, '0')}`);
/** Extra people for the details cases, one each. */
const DETAIL_PEOPLE: ExtraPerson[] = ['lockme', 'mustchange', 'neverexp'].map((name) => ({
  username: name,
  email: `${name}@example.org`,
  displayName: `Detail ${name}`,
  password: `${name}-Secret-2024!A`,
}));

/** The DN an added person gets: `CN=<username>,OU=People,…`. */
export function addedAdDn(username: string): string {
  return `CN=${escapeDnValue(username)},${PEOPLE_OU}`;
}

/** Adds enabled people under OU=People as Administrator (so the service account's delegated rights apply to them). */
export async function addAdPeople(ad: SambaAd, people: ExtraPerson[]): Promise<void> {
  await ad.asAdmin(async (client: Client) => {
    for (const person of people) {
      await client.add(addedAdDn(person.username), [
        new Attribute({ type: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'user'] }),
        new Attribute({ type: 'sAMAccountName', values: [person.username] }),
        new Attribute({ type: 'userPrincipalName', values: [`${person.username}@example.test`] }),
        new Attribute({ type: 'mail', values: [person.email] }),
        new Attribute({ type: 'displayName', values: [person.displayName] }),
        new Attribute({ type: 'userAccountControl', values: ['512'] }),
        new Attribute({ type: 'unicodePwd', values: [encodeUnicodePwd(person.password)] }),
      ]);
    }
  });
}

export function activeDirectoryPeopleCases(getAd: () => SambaAd, transaction: (work: (tx: StoreTx) => Promise<void>) => Promise<void>): void {
  let ad: SambaAd;
  const adapter = (extra: Partial<ActiveDirectoryOptions> = {}) =>
    new ActiveDirectoryDirectory({
      tenantId: TENANT,
      url: ad.url,
      tlsCa: ad.caPem,
      tlsServerName: ad.tlsServerName,
      bindDn: ad.service.dn,
      bindPassword: ad.service.password,
      baseDn: ad.baseDn,
      ...extra,
    });
  /** A tap in front of the DC's LDAPS port, showing the adapter the DC's own certificate. */
  const tapSamba = (): Promise<LdapTap> => {
    const tls = join(ad.dir, 'private', 'tls');
    const { hostname, port } = new URL(ad.url);
    return startLdapTap({
      target: { host: hostname, port: Number(port) },
      tls: { cert: readFileSync(join(tls, 'cert.pem'), 'utf8'), key: readFileSync(join(tls, 'key.pem'), 'utf8'), ca: ad.caPem, servername: ad.tlsServerName },
    });
  };
  const listAll = async (directory: ActiveDirectoryDirectory, options?: Parameters<ActiveDirectoryDirectory['listPeople']>[1]) => {
    const all: DirectoryAccount[] = [];
    for await (const account of directory.listPeople(TENANT, options)) all.push(account);
    return all;
  };
  const find = async (directory: ActiveDirectoryDirectory, username: string) => {
    const account = await directory.findByIdentifier(TENANT, username);
    if (!account) throw new Error(`${username} not found`);
    return account;
  };

  directoryPeopleContract(
    {
      name: 'Active Directory (real Samba AD DC)',
      async open() {
        ad = getAd();
        return {
          directory: adapter(),
          tenantId: TENANT,
          transaction,
          lockOut: async () => {
            throw new Error('not used by the people contract');
          },
          addPeople: (people) => addAdPeople(ad, people),
          // OU=People also holds the AD tests' own people (oscar lives in CN=Users, outside the base).
          alsoListed: Object.values(AD_PEOPLE)
            .map((p) => p.username)
            .filter((u) => u !== AD_PEOPLE.oscar.username),
          close: async () => undefined,
        };
      },
    },
    () => true,
  );

  describe('Active Directory specifics', () => {
    let directory: ActiveDirectoryDirectory;

    beforeAll(async () => {
      ad = getAd();
      directory = adapter();
      await addAdPeople(ad, [RANGER, ...DETAIL_PEOPLE]);
      await ad.asAdmin(async (client) => {
        for (const group of RANGE_GROUPS) {
          await client.add(`CN=${group},${GROUPS_OU}`, { objectClass: ['top', 'group'], sAMAccountName: group, member: [addedAdDn(RANGER.username)] });
        }
      });
    }, 120_000);

    it('lists with paged results on one connection, pages smaller than the number of people', async () => {
      const tap = await tapSamba();
      try {
        const listed = await listAll(adapter({ url: tap.url }), { pageSize: 5 });
        expect(listed.length).toBeGreaterThan(25);
        expect(new Set(listed.map((a) => a.id)).size).toBe(listed.length);
        const pages = tap.containing(PAGED_RESULTS_OID, LDAP_OP.search);
        expect(pages).toHaveLength(Math.ceil(listed.length / 5));
        expect(new Set(pages.map((p) => p.connection)).size).toBe(1);
      } finally {
        await tap.close();
      }
    });

    it('reads memberOf range by range: every group of a person in more groups than one range holds', async () => {
      const tap = await tapSamba();
      try {
        const listed = await listAll(adapter({ url: tap.url }), { pageSize: 50, rangeStep: 5 });
        const ranger = listed.find((a) => a.username === RANGER.username);
        expect(ranger?.groups).toEqual(RANGE_GROUPS);
        // The first range with the listing, then 5-9 and 10-14 from the person's entry.
        expect(tap.containing('memberOf;range=0-4', LDAP_OP.search).length).toBeGreaterThan(0);
        expect(tap.containing('memberOf;range=5-9', LDAP_OP.search)).toHaveLength(1);
        expect(tap.containing('memberOf;range=10-14', LDAP_OP.search)).toHaveLength(1);
        // People in fewer groups than a range need no second read; alice's come whole.
        expect(listed.find((a) => a.username === 'alice')?.groups).toEqual(['admins', 'staff']);
      } finally {
        await tap.close();
      }
      expect((await find(directory, RANGER.username)).groups).toEqual(RANGE_GROUPS);
      await expect(listAll(directory, { rangeStep: 0 })).rejects.toMatchObject({ code: 'invalid_request' });
    });

    it('nested mode lists and searches people with their groups through other groups', async () => {
      const nested = adapter({ groups: { nested: true } });
      const listed = await listAll(nested, { pageSize: 20 });
      expect(listed.find((a) => a.username === 'alice')?.groups).toEqual(['admins', NESTED_GROUP, 'staff']);
      expect((await nested.searchPeople(TENANT, 'zoë', 5)).map((a) => a.groups)).toEqual([[NESTED_GROUP, 'ops (EU)']]);
    });

    it('accountDetails: pwdLastSet and the expiry of the domain policy, as FILETIMEs read by an administrator', async () => {
      const person = await find(directory, 'mustchange');
      const write = await directory.preparePasswordWrite(person, 'Mustchange-Reset-2025!');
      await transaction((tx) => write.commit(tx));
      const dn = addedAdDn('mustchange');
      const stored = fileTime((await ad.read(dn, ['pwdLastSet'])).pwdLastSet?.[0]);
      const maxPwdAge = BigInt((await ad.read(DOMAIN_DN, ['maxPwdAge'])).maxPwdAge![0]!);
      const details = await directory.accountDetails(person);
      expect(stored).toBeInstanceOf(Date);
      expect(details).toMatchObject({ passwordLastSetAt: stored, lockedAt: null, attributes: { distinguishedName: dn, userPrincipalName: 'mustchange@example.test' } });
      expect(details.passwordExpiresAt?.getTime()).toBe(stored!.getTime() + Number(-maxPwdAge / 10_000n));

      // Must change at next logon: no date set, no expiry to show, and said so.
      await directory.setMustChangeAtNextLogon(person);
      const mustChange = await directory.accountDetails(person);
      expect(mustChange.passwordLastSetAt).toBeNull();
      expect(mustChange.passwordExpiresAt).toBeUndefined();
      expect(mustChange.attributes?.mustChangePassword).toBe('true');
    });

    it('accountDetails: a password that never expires, and a lockout with its time', async () => {
      await ad.replace(addedAdDn('neverexp'), 'userAccountControl', [String(0x200 | 0x10000)]);
      expect((await directory.accountDetails(await find(directory, 'neverexp'))).passwordExpiresAt).toBeNull();

      const dn = addedAdDn('lockme');
      for (let i = 0; i < DOMAIN_POLICY.lockoutThreshold; i++) await ad.tryBind(dn, `wrong-${i}-Password!`);
      const locked = await find(directory, 'lockme');
      expect(locked.locked).toBe(true);
      const lockoutTime = fileTime((await ad.read(dn, ['lockoutTime'])).lockoutTime?.[0]);
      expect(lockoutTime).toBeInstanceOf(Date);
      expect((await directory.accountDetails(locked)).lockedAt).toEqual(lockoutTime);
      await directory.unlock(locked);
      expect((await directory.accountDetails(locked)).lockedAt).toBeNull();
    });

    it('a DC that refuses connections fails search, listing and details with directory_unavailable', async () => {
      const down = adapter({ url: `ldaps://127.0.0.1:${await freePort()}` });
      const alice = await find(directory, 'alice');
      await expect(down.searchPeople(TENANT, 'alice', 5)).rejects.toMatchObject({ code: 'directory_unavailable' });
      await expect(listAll(down)).rejects.toMatchObject({ code: 'directory_unavailable' });
      await expect(down.accountDetails(alice)).rejects.toMatchObject({ code: 'directory_unavailable' });
    });
  });
}
