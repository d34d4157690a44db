import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { checkLdapDirectory } from '../../src/adapters/directory/ldap-check.js';
import { LdapOptionsError, resolveLdapOptions, type LdapDirectoryOptions } from '../../src/adapters/directory/ldap-options.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import { addedPersonDn } from '../helpers/ldap-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';

/**
 * Personal contact data read from directory attributes (`contactAttributes`) on OpenLDAP: every value of
 * each mapped attribute, normalised, invalid and primary ones left out — in lookups, reads by id and the
 * paged listing. `janetMailbox` and `info` (cosine, on an extensibleObject entry) stand in for a site's own attributes.
 */

const TENANT = 'demo';
const MAPPING = { emails: ['janetMailbox', 'info'], phones: ['homePhone', 'mobile'] };

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('LdapDirectory contact attributes on a real slapd', () => {
  let slapd: Slapd;

  const optionsWith = (overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions => ({
    tenantId: TENANT,
    url: slapd.url,
    insecure: true,
    bindDn: slapd.service.dn,
    bindPassword: slapd.service.password,
    baseDn: BASE_DN,
    passwordPolicyDn: POLICY_DN,
    ...overrides,
  });
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

  beforeAll(async () => {
    slapd = await startSlapd();
    await slapd.asRoot(async (client) => {
      await client.add(addedPersonDn('kim'), {
        objectClass: ['inetOrgPerson', 'extensibleObject'],
        uid: 'kim',
        cn: 'Kim Contact',
        sn: 'Contact',
        mail: 'Kim@Example.org',
        // A private address twice (spelled two ways, in two attributes), the work one again, and one no mail system takes.
        janetMailbox: ['Kim.Private@Mail.Example.COM', 'kim@example.org', 'not an address'],
        info: ' kim.private@mail.example.com ',
        homePhone: ['+49 170 1234567', '0171 555 0000'],
        mobile: '+1 (555) 010-0099',
        userPassword: 'Kim-Secret-2025!',
      });
      await client.add(addedPersonDn('lee'), { objectClass: 'inetOrgPerson', uid: 'lee', cn: 'Lee Plain', sn: 'Plain', mail: 'lee@example.org' });
    });
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  const KIM_CONTACTS = { emails: ['Kim.Private@mail.example.com'], phones: ['+491701234567', '+15550100099'] };

  it('a lookup, a read by id and the listing carry every valid value, normalised, without the primary address', async () => {
    const directory = directoryWith({ contactAttributes: MAPPING });
    const kim = (await directory.findByIdentifier(TENANT, 'kim'))!;
    expect(kim.email).toBe('Kim@Example.org');
    expect(kim.contacts).toEqual(KIM_CONTACTS);
    expect((await directory.findById(TENANT, kim.id))?.contacts).toEqual(KIM_CONTACTS);

    const listed: DirectoryAccount[] = [];
    for await (const account of directory.listPeople(TENANT, { pageSize: 3 })) listed.push(account);
    expect(listed.find((a) => a.username === 'kim')?.contacts).toEqual(KIM_CONTACTS);
    // Mapped but empty: the lists are there, empty.
    expect(listed.find((a) => a.username === 'lee')?.contacts).toEqual({ emails: [], phones: [] });
    expect(listed.every((a) => a.contacts !== undefined)).toBe(true);
  });

  it('without a mapping no account carries contacts', async () => {
    const directory = directoryWith();
    expect((await directory.findByIdentifier(TENANT, 'kim'))?.contacts).toBeUndefined();
    for await (const account of directory.listPeople(TENANT)) expect(account.contacts).toBeUndefined();
  });

  it('an address-only or phone-only mapping reads only those', async () => {
    expect((await directoryWith({ contactAttributes: { emails: ['janetMailbox'] } }).findByIdentifier(TENANT, 'kim'))?.contacts).toEqual({
      emails: KIM_CONTACTS.emails,
      phones: [],
    });
    expect((await directoryWith({ contactAttributes: { phones: ['mobile'] } }).findByIdentifier(TENANT, 'kim'))?.contacts).toEqual({ emails: [], phones: ['+15550100099'] });
  });

  it('naming the primary email attribute is refused before anything connects', () => {
    expect(() => directoryWith({ contactAttributes: { emails: ['MAIL'] } })).toThrow(LdapOptionsError);
    expect(() => directoryWith({ attributes: { email: 'janetMailbox' }, contactAttributes: { emails: ['janetMailbox'] } })).toThrow(/primary email/);
  });

  it('unlatch directory check names the mapped attributes: what a test person has, or that they are readable', async () => {
    const options = resolveLdapOptions(optionsWith({ contactAttributes: MAPPING }));
    const label = 'personal contacts (janetMailbox, info, homePhone, mobile)';
    expect(await checkLdapDirectory(options, 'kim')).toContainEqual({ status: 'ok', label, detail: 'readable: 1 address(es), 2 phone(s)' });
    expect(await checkLdapDirectory(options, 'lee')).toContainEqual({ status: 'ok', label, detail: 'readable, not set for this person' });
    // Without a mapping there is no such line.
    expect((await checkLdapDirectory(resolveLdapOptions(optionsWith()), 'kim')).some((item) => item.label.startsWith('personal contacts'))).toBe(false);
  });
});
