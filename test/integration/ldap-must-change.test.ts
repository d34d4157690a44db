import { Client, PasswordPolicyControl, PasswordPolicyError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRouter } from '../../src/adapters/directory/directory-router.js';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import type { LdapDirectoryOptions } from '../../src/adapters/directory/ldap-options.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';
import { mustChangeContract, type MustChangeFixture } from '../contract/directory-must-change.contract.js';
import { addLdapPeople, addedPersonDn } from '../helpers/ldap-people.js';
import { LDAP_OP, startLdapTap } from '../helpers/ldap-tap.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';

/**
 * The helpdesk's one-time password on OpenLDAP: ppolicy's `pwdReset: TRUE`, written with the password (one
 * modify with `passwordWrite: replace`; right after the Password Modify operation otherwise). The policy has
 * `pwdMustChange: TRUE`, so a bind with the one-time password answers "change after reset", as it would in
 * production; the service account has write access to `pwdReset` (see test/helpers/slapd.ts).
 */

const TENANT = 'demo';
const available = shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable());

interface Opened {
  slapd: Slapd;
  store: Awaited<ReturnType<typeof openTempSqliteStore>>;
  directoryWith(options: Partial<LdapDirectoryOptions>): LdapDirectory;
  directory: LdapDirectory;
  transaction(work: (tx: StoreTx) => Promise<void>): Promise<void>;
  freshPerson(): Promise<{ account: DirectoryAccount; password: string }>;
  close(): Promise<void>;
}

let people = 0;

async function openSlapd(options: Partial<LdapDirectoryOptions> = {}): Promise<Opened> {
  const slapd = await startSlapd();
  await slapd.replace(POLICY_DN, 'pwdMustChange', ['TRUE']);
  const directoryWith = (extra: Partial<LdapDirectoryOptions>) =>
    new LdapDirectory({
      tenantId: TENANT,
      url: slapd.url,
      insecure: true,
      bindDn: slapd.service.dn,
      bindPassword: slapd.service.password,
      baseDn: BASE_DN,
      passwordPolicyDn: POLICY_DN,
      ...options,
      ...extra,
    });
  const directory = directoryWith({});
  const store = await openTempSqliteStore(new TestClock());
  return {
    slapd,
    store,
    directoryWith,
    directory,
    transaction: (work) => store.store.transaction(work),
    async freshPerson() {
      const username = `once${++people}`;
      const password = `Start-Pass-${people}-2025!`;
      await addLdapPeople(slapd, [{ username, email: `${username}@example.org`, displayName: `Once ${people}`, password }]);
      const account = await directory.findByIdentifier(TENANT, username);
      if (!account) throw new Error(`${username} not found`);
      return { account, password };
    },
    close: async () => {
      await store.close();
      await slapd.stop();
    },
  };
}

function contractFixture(options: Partial<LdapDirectoryOptions>): () => Promise<MustChangeFixture> {
  return async () => {
    const opened = await openSlapd(options);
    return {
      directory: opened.directory,
      transaction: opened.transaction,
      freshPerson: opened.freshPerson,
      markInDirectory: async (account) => (await opened.slapd.read(addedPersonDn(account.username), ['pwdReset'])).pwdReset?.[0] === 'TRUE',
      close: opened.close,
    };
  };
}

mustChangeContract({ name: 'OpenLDAP with ppolicy (Password Modify, then pwdReset)', open: contractFixture({}) }, () => available);
mustChangeContract({ name: 'OpenLDAP with ppolicy (passwordWrite: replace, one modify)', open: contractFixture({ passwordWrite: 'replace' }) }, () => available);

describe.runIf(available)('a one-time password as a person meets it on OpenLDAP', () => {
  let opened: Opened;

  beforeAll(async () => {
    opened = await openSlapd();
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** Binds as `dn` asking for the ppolicy response control; the control as the server filled it in. */
  const bindWithPolicy = async (dn: string, password: string): Promise<PasswordPolicyControl> => {
    const control = new PasswordPolicyControl();
    const client = new Client({ url: opened.slapd.url, connectTimeout: 2000, timeout: 5000 });
    try {
      await client.bind(dn, password, control);
      return control;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  it('the bind with it succeeds but answers "change after reset"; after their own change, a plain bind', async () => {
    const { account } = await opened.freshPerson();
    const dn = addedPersonDn(account.username);
    const oneTime = 'Read-Out-Once-2025!';
    await opened.transaction(async (tx) => (await opened.directory.preparePasswordWrite(account, oneTime, { mustChange: true })).commit(tx));

    expect((await bindWithPolicy(dn, oneTime)).value?.error).toBe(PasswordPolicyError.ChangeAfterReset);
    expect(await opened.slapd.whoami(dn, oneTime)).toBe(true);
    // ppolicy lets the person sign in to change it: the adapter's check says so without being asked to accept.
    expect(await opened.directory.verifyPassword(account, oneTime)).toBe(true);
    expect(await opened.directory.accountDetails(account)).toMatchObject({ mustChangePassword: true, attributes: { mustChangePassword: 'true' } });

    const own = 'Chosen-By-Me-2025!';
    await opened.transaction(async (tx) => (await opened.directory.changePassword(account, oneTime, own)).commit(tx));
    expect((await bindWithPolicy(dn, own)).value?.error).toBeUndefined();
    expect((await opened.slapd.read(dn, ['pwdReset'])).pwdReset ?? []).toEqual([]);
  });

  it('a reset the policy refuses (too short) writes neither the password nor the mark', async () => {
    const { account, password } = await opened.freshPerson();
    const dn = addedPersonDn(account.username);
    const write = await opened.directory.preparePasswordWrite(account, 'short', { mustChange: true });
    await expect(opened.transaction((tx) => write.commit(tx))).rejects.toMatchObject({ code: 'password_rejected' });
    expect((await opened.slapd.read(dn, ['pwdReset'])).pwdReset ?? []).toEqual([]);
    expect(await opened.slapd.whoami(dn, password)).toBe(true);
  });

  it('a disabled account gets no one-time password', async () => {
    const { account, password } = await opened.freshPerson();
    const dn = addedPersonDn(account.username);
    await opened.slapd.replace(dn, 'pwdAccountLockedTime', ['000001010000Z']);
    await expect(opened.directory.preparePasswordWrite(account, 'Never-Written-2025!', { mustChange: true })).rejects.toMatchObject({ code: 'flow_invalid' });
    expect((await opened.slapd.read(dn, ['pwdReset'])).pwdReset ?? []).toEqual([]);
    await opened.slapd.replace(dn, 'pwdAccountLockedTime', []);
    expect(await opened.slapd.whoami(dn, password)).toBe(true);
  });

  it('passwordWrite: replace sends one modify with the password and the mark', async () => {
    const { account } = await opened.freshPerson();
    const { port } = new URL(opened.slapd.url);
    const tap = await startLdapTap({ target: { host: '127.0.0.1', port: Number(port) } });
    try {
      const directory = opened.directoryWith({ url: tap.url, passwordWrite: 'replace' });
      await opened.transaction(async (tx) => (await directory.preparePasswordWrite(account, 'One-Modify-2025!', { mustChange: true })).commit(tx));
      const marking = tap.containing('pwdReset', LDAP_OP.modify);
      expect(marking.length).toBe(1);
      expect(marking[0]!.bytes.includes('userPassword')).toBe(true);
      expect(tap.containing('1.3.6.1.4.1.4203.1.11.1', LDAP_OP.extended)).toEqual([]);
    } finally {
      await tap.close();
    }
  });

  it('Password Modify, then the mark: a mark that cannot be written after the password is directory_unavailable, never a success', async () => {
    const { account } = await opened.freshPerson();
    const dn = addedPersonDn(account.username);
    const { port } = new URL(opened.slapd.url);
    const tap = await startLdapTap({ target: { host: '127.0.0.1', port: Number(port) } });
    let halted: Promise<void> | undefined;
    try {
      const directory = opened.directoryWith({ url: tap.url });
      const write = await directory.preparePasswordWrite(account, 'Half-Written-2025!', { mustChange: true });
      // The server goes down after the password went in, as the mark is on its way.
      tap.setBeforeForward(async (request) => {
        if (request.op === LDAP_OP.modify && request.bytes.includes('pwdReset') && request.bytes.includes('TRUE')) await (halted = opened.slapd.halt());
      });
      await expect(opened.transaction((tx) => write.commit(tx))).rejects.toMatchObject({ code: 'directory_unavailable', details: { reason: 'must_change_not_set' } });
    } finally {
      tap.setBeforeForward(undefined);
      await tap.close();
      // The client may see the connection close before slapd has exited.
      if (halted) await halted;
      await opened.slapd.resume();
    }
    // What the failure reported: the password is in place, the mark is not.
    expect(await opened.slapd.whoami(dn, 'Half-Written-2025!')).toBe(true);
    expect((await opened.slapd.read(dn, ['pwdReset'])).pwdReset ?? []).toEqual([]);
  });

  it('through the router, the copy in an alsoWriteTo directory is a one-time password too', async () => {
    const { account: inLdap } = await opened.freshPerson();
    const clock = new TestClock();
    const sql = new SqlDirectory(opened.store.handle.db, new Argon2Hasher(), clock);
    await new SqlUserRepository(opened.store.handle.db).insert({ tenantId: TENANT, username: inLdap.username, email: 'copy@example.org' }, clock.now());
    const router = new DirectoryRouter({
      tenants: new Map([
        [
          TENANT,
          [
            { name: 'ldap-1', directory: opened.directory, builtin: false, alsoWriteTo: ['builtin'], cacheSeconds: 0 },
            { name: 'builtin', directory: sql, builtin: true, alsoWriteTo: [], cacheSeconds: 0 },
          ],
        ],
      ]),
      defaultTenantId: TENANT,
      clock,
    });
    const account = (await router.findByIdentifier(TENANT, inLdap.username))!;
    expect(account.id).toBe(`ldap-1:${inLdap.id}`);
    expect(router.supportsMustChange(account)).toBe(true);
    // Prepared outside the transaction, as the flows do: the copy is looked up and hashed first.
    const write = await router.preparePasswordWrite(account, 'Routed-Once-2025!', { mustChange: true });
    await opened.transaction((tx) => write.commit(tx));
    expect((await opened.slapd.read(addedPersonDn(inLdap.username), ['pwdReset'])).pwdReset).toEqual(['TRUE']);
    const copy = (await sql.findByIdentifier(TENANT, inLdap.username))!;
    expect(await sql.accountDetails(copy)).toMatchObject({ mustChangePassword: true });
    expect(await sql.verifyPassword(copy, 'Routed-Once-2025!')).toBe(true);
  });
});
