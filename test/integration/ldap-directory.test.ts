import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { LdapOptionsError, type LdapDirectoryOptions } from '../../src/adapters/directory/ldap-options.js';
import type { DirectoryAccount } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';
import { DIRECTORY_PEOPLE, type PersonName } from '../helpers/directory-people.js';
import { freePort, shouldRun } from '../helpers/services.js';
import { BASE_DN, GROUPS_DN, POLICY_DN, PEOPLE_DN, opensslAvailable, selfSignedCertificate, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';
import { LDAP_OP, startLdapTap, type LdapTap } from '../helpers/ldap-tap.js';

const TENANT = 'demo';
const available = shouldRun('slapd and openssl (OpenLDAP server, tools, and a certificate for TLS)', slapdAvailable() && opensslAvailable());

describe.runIf(available)('LdapDirectory against a real slapd', () => {
  let slapd: Slapd;
  let transaction: (work: (tx: StoreTx) => Promise<void>) => Promise<void>;
  let closeStore: () => Promise<void>;

  const optionsFor = (overrides: Partial<LdapDirectoryOptions> = {}): LdapDirectoryOptions => ({
    tenantId: TENANT,
    url: slapd.url,
    insecure: true,
    bindDn: slapd.service.dn,
    bindPassword: slapd.service.password,
    baseDn: BASE_DN,
    passwordPolicyDn: POLICY_DN,
    ...overrides,
  });
  const directoryWith = (overrides: Partial<LdapDirectoryOptions> = {}) => new LdapDirectory(optionsFor(overrides));
  const find = async (directory: LdapDirectory, name: PersonName): Promise<DirectoryAccount> => {
    const account = await directory.findByIdentifier(TENANT, DIRECTORY_PEOPLE[name].username);
    if (!account) throw new Error(`${name} not found`);
    return account;
  };
  const reset = async (directory: LdapDirectory, account: DirectoryAccount, password: string) => {
    const write = await directory.preparePasswordWrite(account, password);
    await transaction((tx) => write.commit(tx));
  };
  const change = async (directory: LdapDirectory, account: DirectoryAccount, oldPassword: string, newPassword: string) => {
    const write = await directory.changePassword(account, oldPassword, newPassword);
    await transaction((tx) => write.commit(tx));
  };

  beforeAll(async () => {
    slapd = await startSlapd({ tls: true });
    const opened = await openTempSqliteStore(new TestClock());
    transaction = (work) => opened.store.transaction(work);
    closeStore = opened.close;
  });
  afterAll(async () => {
    await closeStore?.();
    await slapd?.stop();
  });

  describe('password writes, checked with ldapwhoami', () => {
    it('after a reset the new password binds and the old one does not', async () => {
      const directory = directoryWith();
      const frank = await find(directory, 'frank');
      await reset(directory, frank, 'frank-Reset-2025-a');
      expect(await slapd.whoami(slapd.dnOf('frank'), 'frank-Reset-2025-a')).toBe(true);
      expect(await slapd.whoami(slapd.dnOf('frank'), DIRECTORY_PEOPLE.frank.password)).toBe(false);
    });

    it('ppolicy refuses a recent password as in_history and a short one as too_short with the minimum; nothing is written', async () => {
      const directory = directoryWith();
      const frank = await find(directory, 'frank');
      await reset(directory, frank, 'frank-Reset-2025-b');
      for (const recent of ['frank-Reset-2025-b', 'frank-Reset-2025-a']) {
        await expect(reset(directory, frank, recent)).rejects.toMatchObject({ code: 'password_rejected', details: { reasons: [{ code: 'in_history' }] } });
      }
      await expect(reset(directory, frank, 'Fr-2025')).rejects.toMatchObject({
        code: 'password_rejected',
        details: { reasons: [{ code: 'too_short', params: { min: 8, actual: 7 } }] },
      });
      expect(await slapd.whoami(slapd.dnOf('frank'), 'frank-Reset-2025-b')).toBe(true);
      expect(await slapd.whoami(slapd.dnOf('frank'), 'Fr-2025')).toBe(false);
    });

    it('without a readable policy, too short is the general directory rule (the minimum is unknown)', async () => {
      const directory = directoryWith({ passwordPolicyDn: undefined });
      await expect(reset(directory, await find(directory, 'frank'), 'Fr-2025')).rejects.toMatchObject({
        code: 'password_rejected',
        details: { reasons: [{ code: 'directory_policy' }] },
      });
    });

    it('the replace write mode sets the password and gets the same refusals', async () => {
      const directory = directoryWith({ passwordWrite: 'replace' });
      const frank = await find(directory, 'frank');
      await reset(directory, frank, 'frank-Replace-2025');
      expect(await slapd.whoami(slapd.dnOf('frank'), 'frank-Replace-2025')).toBe(true);
      await expect(reset(directory, frank, 'frank-Replace-2025')).rejects.toMatchObject({ code: 'password_rejected', details: { reasons: [{ code: 'in_history' }] } });
      await expect(reset(directory, frank, 'Fr-2025')).rejects.toMatchObject({ details: { reasons: [{ code: 'too_short' }] } });
    });

    it("a person's change with the wrong old password fails and changes nothing", async () => {
      const directory = directoryWith();
      const heidi = await find(directory, 'heidi');
      await expect(change(directory, heidi, 'heidi-wrong-password', 'heidi-Changed-2025')).rejects.toMatchObject({ code: 'invalid_credentials' });
      expect(await slapd.whoami(slapd.dnOf('heidi'), DIRECTORY_PEOPLE.heidi.password)).toBe(true);
      expect(await slapd.whoami(slapd.dnOf('heidi'), 'heidi-Changed-2025')).toBe(false);
    });

    it("a person's change applies the history as to the person, and binds afterwards", async () => {
      const directory = directoryWith();
      const heidi = await find(directory, 'heidi');
      await change(directory, heidi, DIRECTORY_PEOPLE.heidi.password, 'heidi-Changed-2025');
      expect(await slapd.whoami(slapd.dnOf('heidi'), 'heidi-Changed-2025')).toBe(true);
      await expect(change(directory, heidi, 'heidi-Changed-2025', DIRECTORY_PEOPLE.heidi.password)).rejects.toMatchObject({
        code: 'password_rejected',
        details: { reasons: [{ code: 'in_history' }] },
      });
      expect(await slapd.whoami(slapd.dnOf('heidi'), 'heidi-Changed-2025')).toBe(true);
    });

    it("an entry's own policy applies: its minimum age refuses a second change as too_young, its minimum length is the one shown", async () => {
      const slowPolicy = `cn=slow,ou=policies,${BASE_DN}`;
      await slapd.asRoot((client) =>
        client.add(slowPolicy, { objectClass: ['organizationalRole', 'pwdPolicy'], cn: 'slow', pwdAttribute: 'userPassword', pwdMinAge: '3600', pwdMinLength: '12', pwdCheckQuality: '1', pwdAllowUserChange: 'TRUE' }),
      );
      await slapd.replace(slapd.dnOf('grace'), 'pwdPolicySubentry', [slowPolicy]);
      const directory = directoryWith();
      const grace = await find(directory, 'grace');
      await expect(change(directory, grace, DIRECTORY_PEOPLE.grace.password, 'grace-2025x')).rejects.toMatchObject({
        details: { reasons: [{ code: 'too_short', params: { min: 12, actual: 11 } }] },
      });
      await change(directory, grace, DIRECTORY_PEOPLE.grace.password, 'grace-Changed-2025');
      await expect(change(directory, grace, 'grace-Changed-2025', 'grace-Changed-Again-2025')).rejects.toMatchObject({
        code: 'password_rejected',
        details: { reasons: [{ code: 'too_young' }] },
      });
      expect(await slapd.whoami(slapd.dnOf('grace'), 'grace-Changed-2025')).toBe(true);
    });

    it('a reset of a disabled account is refused and leaves it disabled (ppolicy would drop the lock)', async () => {
      const directory = directoryWith();
      const carol = await find(directory, 'carol');
      await expect(reset(directory, carol, 'carol-Reset-2025')).rejects.toMatchObject({ code: 'flow_invalid' });
      expect((await slapd.read(slapd.dnOf('carol'), ['pwdAccountLockedTime'])).pwdAccountLockedTime).toEqual(['000001010000Z']);
      expect(await slapd.whoami(slapd.dnOf('carol'), 'carol-Reset-2025')).toBe(false);
    });

    it('a locked-out account does not verify with its right password; a reset lets it in again', async () => {
      const directory = directoryWith();
      for (let i = 0; i < 3; i++) await slapd.whoami(slapd.dnOf('twin1'), `wrong-${i}`);
      const twin = await find(directory, 'twin1');
      expect(twin).toMatchObject({ locked: true, enabled: true });
      expect(await directory.verifyPassword(twin, DIRECTORY_PEOPLE.twin1.password)).toBe(false);
      await reset(directory, twin, 'twin1-Reset-2025');
      expect((await directory.findById(TENANT, twin.id))?.locked).toBe(false);
      expect(await directory.verifyPassword(twin, 'twin1-Reset-2025')).toBe(true);
    });
  });

  describe('unlock', () => {
    const PERMANENT_LOCK = '000001010000Z';
    /** A ppolicy lock time (generalized time, whole seconds) `offsetSeconds` from now: in force for pwdLockoutDuration. */
    const lockTime = (offsetSeconds = 0) => `${new Date(Date.now() + offsetSeconds * 1000).toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
    const lockOf = async (name: PersonName) => (await slapd.read(slapd.dnOf(name), ['pwdAccountLockedTime'])).pwdAccountLockedTime;
    /** A tap in front of slapd that, once, runs `race` before the delete of pwdAccountLockedTime reaches slapd. */
    const tapWithRace = async (race: () => Promise<void>): Promise<{ tap: LdapTap; raced: () => boolean }> => {
      const { hostname, port } = new URL(slapd.url);
      let raced = false;
      const tap = await startLdapTap({
        target: { host: hostname, port: Number(port) },
        async beforeForward(request) {
          if (raced || request.op !== LDAP_OP.modify || !request.bytes.includes(Buffer.from('pwdAccountLockedTime'))) return;
          raced = true;
          await race();
        },
      });
      return { tap, raced: () => raced };
    };

    it('a disabled account (the permanent lock) is refused as flow_invalid, and stays disabled', async () => {
      const directory = directoryWith();
      const carol = await find(directory, 'carol');
      await expect(directory.unlock(carol)).rejects.toMatchObject({ code: 'flow_invalid' });
      expect(await lockOf('carol')).toEqual([PERMANENT_LOCK]);
    });

    it('an account disabled since it was found is refused too: the entry is read again at the unlock', async () => {
      const directory = directoryWith();
      await slapd.replace(slapd.dnOf('dave'), 'pwdAccountLockedTime', [lockTime()]);
      const dave = await find(directory, 'dave');
      expect(dave).toMatchObject({ locked: true, enabled: true });
      try {
        await slapd.replace(slapd.dnOf('dave'), 'pwdAccountLockedTime', [PERMANENT_LOCK]);
        await expect(directory.unlock(dave)).rejects.toMatchObject({ code: 'flow_invalid' });
        expect(await lockOf('dave')).toEqual([PERMANENT_LOCK]);
      } finally {
        await slapd.replace(slapd.dnOf('dave'), 'pwdAccountLockedTime', []);
      }
    });

    it('a lockout made permanent between the read and the delete: the delete misses, the re-read says disabled, flow_invalid', async () => {
      const dn = slapd.dnOf('dave');
      await slapd.replace(dn, 'pwdAccountLockedTime', [lockTime()]);
      const { tap, raced } = await tapWithRace(() => slapd.replace(dn, 'pwdAccountLockedTime', [PERMANENT_LOCK]));
      try {
        const directory = directoryWith({ url: tap.url });
        const dave = await find(directory, 'dave');
        expect(dave).toMatchObject({ locked: true, enabled: true });
        await expect(directory.unlock(dave)).rejects.toMatchObject({ code: 'flow_invalid' });
        expect(raced()).toBe(true);
        expect(await lockOf('dave')).toEqual([PERMANENT_LOCK]);
      } finally {
        await tap.close();
        await slapd.replace(dn, 'pwdAccountLockedTime', []);
      }
    });

    it('a new lockout between the read and the delete: still locked afterwards, so directory_unavailable, never a reported unlock', async () => {
      const dn = slapd.dnOf('jurgen');
      const newer = lockTime(5);
      await slapd.replace(dn, 'pwdAccountLockedTime', [lockTime()]);
      const { tap, raced } = await tapWithRace(() => slapd.replace(dn, 'pwdAccountLockedTime', [newer]));
      try {
        const directory = directoryWith({ url: tap.url });
        const jurgen = await find(directory, 'jurgen');
        expect(jurgen).toMatchObject({ locked: true, enabled: true });
        await expect(directory.unlock(jurgen)).rejects.toMatchObject({ code: 'directory_unavailable', details: { reason: 'lock_remains' } });
        expect(raced()).toBe(true);
        expect(await lockOf('jurgen')).toEqual([newer]);
        // Without a race the same unlock goes through, and the lock is gone.
        await directory.unlock(jurgen);
        expect((await lockOf('jurgen')) ?? []).toEqual([]);
        expect((await directory.findById(TENANT, jurgen.id))?.locked).toBe(false);
      } finally {
        await tap.close();
        await slapd.replace(dn, 'pwdAccountLockedTime', []).catch(() => undefined);
      }
    });
  });

  describe('lookups', () => {
    it("matches identifiers case-insensitively, as the directory's matching rules do", async () => {
      const directory = directoryWith();
      expect((await directory.findByIdentifier(TENANT, 'ALICE'))?.username).toBe('alice');
      expect((await directory.findByIdentifier(TENANT, 'ALICE.EXAMPLE@EXAMPLE.ORG'))?.username).toBe('alice');
    });

    it('a custom user filter decides what an identifier can be', async () => {
      const directory = directoryWith({ userFilter: '(&(objectClass=inetOrgPerson)(uid={value}))' });
      expect((await directory.findByIdentifier(TENANT, 'alice'))?.username).toBe('alice');
      expect(await directory.findByIdentifier(TENANT, 'alice.example@example.org')).toBeNull();
    });

    it('with idAttribute dn the id is the DN; DNs outside the base find nothing', async () => {
      const directory = directoryWith({ idAttribute: 'dn' });
      const alice = await find(directory, 'alice');
      expect(alice.id).toBe(slapd.dnOf('alice'));
      expect(await directory.findById(TENANT, alice.id)).toEqual(alice);
      expect(await directory.findById(TENANT, `uid=nobody,${PEOPLE_DN}`)).toBeNull();
      expect(await directory.findById(TENANT, `cn=unlatch,ou=services,dc=elsewhere,dc=org`)).toBeNull();
      expect(await directory.findById(TENANT, `uid=alice\\,${BASE_DN.replace('dc=example,', '')}`)).toBeNull();
      expect(await directory.findById(TENANT, 'not a dn')).toBeNull();
    });

    it('by default the id is the entryUUID, and it survives a rename', async () => {
      const directory = directoryWith();
      await slapd.asRoot((client) =>
        client.add(`uid=mover,${PEOPLE_DN}`, { objectClass: 'inetOrgPerson', uid: 'mover', cn: 'Mover', sn: 'Mover', mail: 'mover@example.org' }),
      );
      const mover = await directory.findByIdentifier(TENANT, 'mover@example.org');
      expect(mover?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect((await slapd.read(`uid=mover,${PEOPLE_DN}`, ['entryUUID'])).entryUUID).toEqual([mover?.id]);
      await slapd.asRoot((client) => client.modifyDN(`uid=mover,${PEOPLE_DN}`, `uid=moved,${PEOPLE_DN}`));
      expect(await directory.findById(TENANT, mover!.id)).toMatchObject({ id: mover!.id, username: 'moved', email: 'mover@example.org' });
    });
  });

  describe('groups', () => {
    it('reads memberOf (the memberof overlay) by default', async () => {
      const directory = directoryWith();
      expect((await find(directory, 'alice')).groups).toEqual(['admins', 'staff']);
      expect((await find(directory, 'bob')).groups).toEqual(['staff']);
      expect((await find(directory, 'erin')).groups).toEqual([]);
    });

    it('or searches for groups listing the person, with the DN escaped in the filter', async () => {
      // A person whose DN is full of filter metacharacters, alone in a group of their own.
      const oddDn = `uid=odd(one)*\\5c,${PEOPLE_DN}`;
      await slapd.asRoot(async (client) => {
        await client.add(oddDn, { objectClass: 'inetOrgPerson', uid: 'odd(one)*\\', cn: 'Odd One', sn: 'One', mail: 'odd@example.org' });
        await client.add(`cn=odd,${GROUPS_DN}`, { objectClass: 'groupOfNames', cn: 'odd', member: [oddDn] });
      });
      const directory = directoryWith({ groups: { type: 'search', baseDn: GROUPS_DN } });
      expect((await find(directory, 'alice')).groups).toEqual(['admins', 'staff']);
      expect((await find(directory, 'erin')).groups).toEqual([]);
      expect((await directory.findByIdentifier(TENANT, 'odd@example.org'))?.groups).toEqual(['odd']);
    });
  });

  describe('TLS', () => {
    it('ldaps:// with the server certificate trusted: lookups, binds and writes work', async () => {
      const directory = directoryWith({ url: slapd.ldapsUrl!, insecure: false, tlsCa: slapd.caPem });
      const alice = await find(directory, 'alice');
      expect(await directory.verifyPassword(alice, DIRECTORY_PEOPLE.alice.password)).toBe(true);
      const twin2 = await find(directory, 'twin2');
      await reset(directory, twin2, 'twin2-Over-Tls-2025');
      expect(await slapd.whoami(slapd.dnOf('twin2'), 'twin2-Over-Tls-2025')).toBe(true);
    });

    it('StartTLS on ldap:// with the server certificate trusted', async () => {
      const directory = directoryWith({ insecure: false, startTls: true, tlsCa: slapd.caPem });
      const alice = await find(directory, 'alice');
      expect(await directory.verifyPassword(alice, DIRECTORY_PEOPLE.alice.password)).toBe(true);
    });

    it('an untrusted certificate is directory_unavailable, never a fallback to clear text', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'unlatch-other-ca-'));
      try {
        const other = await selfSignedCertificate(dir, 'other');
        for (const overrides of [
          { url: slapd.ldapsUrl!, insecure: false },
          { url: slapd.ldapsUrl!, insecure: false, tlsCa: other.certPem },
          { startTls: true, insecure: false, tlsCa: other.certPem },
        ]) {
          await expect(directoryWith(overrides).findByIdentifier(TENANT, 'alice')).rejects.toMatchObject({ code: 'directory_unavailable' });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('configuration and failures', () => {
    it('refuses plain ldap:// unless insecure is set, and StartTLS on ldaps://', () => {
      expect(() => directoryWith({ insecure: undefined })).toThrow(LdapOptionsError);
      expect(() => directoryWith({ insecure: false })).toThrow(/clear text/);
      expect(() => directoryWith({ url: slapd.ldapsUrl!, startTls: true })).toThrow(LdapOptionsError);
      expect(() => directoryWith({ url: 'http://127.0.0.1' })).toThrow(LdapOptionsError);
      expect(() => directoryWith({ userFilter: '(uid=alice)' })).toThrow(/\{value\}/);
      expect(() => directoryWith({ insecure: undefined, startTls: true })).not.toThrow();
    });

    it('a directory that is down is directory_unavailable for every operation', async () => {
      const other = await startSlapd();
      const directory = new LdapDirectory({ ...optionsFor(), url: other.url, bindPassword: other.service.password });
      const alice = await find(directory, 'alice');
      const write = await directory.preparePasswordWrite(alice, 'alice-Down-2025');
      await other.stop();
      const unavailable = { code: 'directory_unavailable' };
      await expect(directory.findByIdentifier(TENANT, 'alice')).rejects.toMatchObject(unavailable);
      await expect(directory.findById(TENANT, alice.id)).rejects.toMatchObject(unavailable);
      await expect(directory.verifyPassword(alice, DIRECTORY_PEOPLE.alice.password)).rejects.toMatchObject(unavailable);
      await expect(directory.verifyDummy('x')).rejects.toMatchObject(unavailable);
      await expect(transaction((tx) => write.commit(tx))).rejects.toMatchObject(unavailable);
      await expect(directory.changePassword(alice, DIRECTORY_PEOPLE.alice.password, 'alice-Down-2025')).rejects.toMatchObject(unavailable);
      await expect(directory.unlock(alice)).rejects.toMatchObject(unavailable);
    });

    it('a closed port, a wrong service password and a server that never answers are directory_unavailable', async () => {
      const closedPort = await freePort();
      await expect(directoryWith({ url: `ldap://127.0.0.1:${closedPort}` }).findByIdentifier(TENANT, 'alice')).rejects.toMatchObject({ code: 'directory_unavailable' });
      await expect(directoryWith({ bindPassword: 'not-the-service-password' }).findByIdentifier(TENANT, 'alice')).rejects.toMatchObject({ code: 'directory_unavailable' });

      // Accepts connections and never says a word: the operation timeout ends the wait.
      const sockets: Socket[] = [];
      const silent: Server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const directory = directoryWith({ url: `ldap://127.0.0.1:${port}`, operationTimeoutMs: 200, connectTimeoutMs: 200 });
        await expect(directory.findByIdentifier(TENANT, 'alice')).rejects.toMatchObject({ code: 'directory_unavailable' });
        const startTls = directoryWith({ url: `ldap://127.0.0.1:${port}`, startTls: true, operationTimeoutMs: 200, connectTimeoutMs: 200 });
        await expect(startTls.findByIdentifier(TENANT, 'alice')).rejects.toMatchObject({ code: 'directory_unavailable' });
      } finally {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      }
    });
  });
});
