import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeIdentifier } from '../../src/core/identity/normalize.js';
import type { Directory, DirectoryAccount, PreparedPasswordWrite } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';
import { DIRECTORY_PEOPLE, SHARED_EMAIL, type PersonName } from '../helpers/directory-people.js';

/** A directory seeded with DIRECTORY_PEOPLE, and what the contract needs around it. */
export interface DirectoryFixture {
  directory: Directory;
  /** The tenant the directory serves. */
  tenantId: string;
  /** Runs work in a real store transaction, as the flows commit a prepared password write. */
  transaction(work: (tx: StoreTx) => Promise<void>): Promise<void>;
  /** Locks a person out the directory's own way (LDAP: failed binds; SQL: the lockout flag). */
  lockOut(name: PersonName): Promise<void>;
  close(): Promise<void>;
}

export interface DirectoryTarget {
  name: string;
  open(): Promise<DirectoryFixture>;
}

/** Identifiers with filter and wildcard metacharacters: each must match nothing, in every directory. */
export const INJECTION_STRINGS = ['*', '*)(uid=*', '\\00', '(', ')', '\\', '\u0000', 'alice*', 'a*ice', '*)(|(uid=*', '*@example.org', '(uid=alice)'];

/** The Directory port's contract: every directory adapter must pass it. */
export function directoryContract(target: DirectoryTarget, available: () => boolean): void {
  describe.runIf(available())(`Directory contract on ${target.name}`, () => {
    let fixture: DirectoryFixture;
    let directory: Directory;
    let tenantId: string;

    const find = async (name: PersonName): Promise<DirectoryAccount> => {
      const account = await directory.findByIdentifier(tenantId, normalizeIdentifier(DIRECTORY_PEOPLE[name].username));
      if (!account) throw new Error(`fixture person ${name} not found`);
      return account;
    };
    const commit = (write: PreparedPasswordWrite) => fixture.transaction((tx) => write.commit(tx));

    beforeAll(async () => {
      fixture = await target.open();
      directory = fixture.directory;
      tenantId = fixture.tenantId;
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it('finds a person by username, with every field the flows use', async () => {
      const alice = DIRECTORY_PEOPLE.alice;
      const account = await find('alice');
      expect(account).toMatchObject({
        tenantId,
        username: alice.username,
        email: alice.email,
        phone: alice.phone,
        displayName: alice.displayName,
        enabled: true,
        locked: false,
      });
      expect([...account.groups].sort()).toEqual([...alice.groups].sort());
      expect(account.id).not.toBe('');
    });

    it('finds a person by email stored with capitals, from the normalized identifier', async () => {
      const byEmail = await directory.findByIdentifier(tenantId, normalizeIdentifier(DIRECTORY_PEOPLE.alice.email));
      expect(byEmail?.username).toBe('alice');
      expect(byEmail?.id).toBe((await find('alice')).id);
    });

    it('finds a person by a non-ASCII username, typed in any case or Unicode form, and reads the account again by its id', async () => {
      const jurgen = DIRECTORY_PEOPLE.jurgen;
      // Decomposed (u + combining diaeresis) and capitalized: normalization makes it the stored 'jürgen'.
      const account = await directory.findByIdentifier(tenantId, normalizeIdentifier('Ju\u0308rgen'));
      expect(account).toMatchObject({ username: jurgen.username, displayName: jurgen.displayName, email: jurgen.email, enabled: true });
      expect(await directory.findById(tenantId, account!.id)).toEqual(account);
      expect(await directory.verifyPassword(account!, jurgen.password)).toBe(true);
      // Only that name: a different non-ASCII letter in the same place is someone else (nobody).
      expect(await directory.findByIdentifier(tenantId, normalizeIdentifier('järgen'))).toBeNull();
    });

    it('an identifier that matches several accounts matches none', async () => {
      expect(await directory.findByIdentifier(tenantId, normalizeIdentifier(SHARED_EMAIL))).toBeNull();
      // Each twin on its own is found: it is the ambiguity that hides them, not their data.
      expect((await find('twin1')).email).toBe(SHARED_EMAIL);
      expect((await find('twin2')).email).toBe(SHARED_EMAIL);
    });

    it('an unknown identifier, an empty one, or another tenant finds nothing', async () => {
      expect(await directory.findByIdentifier(tenantId, 'nobody@example.org')).toBeNull();
      expect(await directory.findByIdentifier(tenantId, '')).toBeNull();
      expect(await directory.findByIdentifier(`${tenantId}-other`, 'alice')).toBeNull();
    });

    it.each(INJECTION_STRINGS)('the identifier %j matches nothing', async (identifier) => {
      expect(await directory.findByIdentifier(tenantId, identifier)).toBeNull();
    });

    it('findById reads the same account again; unknown ids and other tenants find nothing', async () => {
      const alice = await find('alice');
      expect(await directory.findById(tenantId, alice.id)).toEqual(alice);
      expect(await directory.findById(`${tenantId}-other`, alice.id)).toBeNull();
      for (const id of ['no-such-id', '00000000-0000-4000-8000-000000000000', '*', `${alice.id}*`]) {
        expect(await directory.findById(tenantId, id)).toBeNull();
      }
    });

    it('verifyPassword is true for the password and false for anything else', async () => {
      const alice = await find('alice');
      expect(await directory.verifyPassword(alice, DIRECTORY_PEOPLE.alice.password)).toBe(true);
      expect(await directory.verifyPassword(alice, DIRECTORY_PEOPLE.bob.password)).toBe(false);
      expect(await directory.verifyPassword(alice, `${DIRECTORY_PEOPLE.alice.password} `)).toBe(false);
      expect(await directory.verifyPassword(alice, '')).toBe(false);
      await expect(directory.verifyDummy(DIRECTORY_PEOPLE.alice.password)).resolves.toBeUndefined();
    });

    it('a disabled account is found, marked disabled, and its password does not verify', async () => {
      const carol = await find('carol');
      expect(carol.enabled).toBe(false);
      expect(await directory.verifyPassword(carol, DIRECTORY_PEOPLE.carol.password)).toBe(false);
    });

    it('a reset writes the new password: the new one verifies, the old one no longer does', async () => {
      const bob = await find('bob');
      const newPassword = 'bob-Reset-Password-2025';
      await commit(await directory.preparePasswordWrite(bob, newPassword));
      expect(await directory.verifyPassword(bob, newPassword)).toBe(true);
      expect(await directory.verifyPassword(bob, DIRECTORY_PEOPLE.bob.password)).toBe(false);
    });

    it('a reset for an account that no longer exists is refused, never a silent success', async () => {
      const ghost = { ...(await find('alice')), id: '00000000-0000-4000-8000-000000000000' };
      await expect((async () => commit(await directory.preparePasswordWrite(ghost, 'ghost-Password-2025')))()).rejects.toMatchObject({ code: 'flow_invalid' });
      expect(await directory.verifyPassword(await find('alice'), DIRECTORY_PEOPLE.alice.password)).toBe(true);
    });

    it("a person's own change needs the right old password", async () => {
      const erin = await find('erin');
      const newPassword = 'erin-Changed-Password-2025';
      await expect(directory.changePassword(erin, 'not-her-password', newPassword)).rejects.toMatchObject({ code: 'invalid_credentials' });
      expect(await directory.verifyPassword(erin, DIRECTORY_PEOPLE.erin.password)).toBe(true);
      expect(await directory.verifyPassword(erin, newPassword)).toBe(false);

      await commit(await directory.changePassword(erin, DIRECTORY_PEOPLE.erin.password, newPassword));
      expect(await directory.verifyPassword(erin, newPassword)).toBe(true);
      expect(await directory.verifyPassword(erin, DIRECTORY_PEOPLE.erin.password)).toBe(false);
    });

    it('a disabled account cannot change its password, even with the right one', async () => {
      const carol = await find('carol');
      await expect(directory.changePassword(carol, DIRECTORY_PEOPLE.carol.password, 'carol-Changed-2025')).rejects.toMatchObject({ code: 'invalid_credentials' });
    });

    it('unlock ends a lockout, and the person can sign in again', async () => {
      await fixture.lockOut('dave');
      const dave = await find('dave');
      expect(dave.locked).toBe(true);
      expect(dave.enabled).toBe(true);
      await directory.unlock(dave);
      expect((await directory.findById(tenantId, dave.id))?.locked).toBe(false);
      expect(await directory.verifyPassword(dave, DIRECTORY_PEOPLE.dave.password)).toBe(true);
    });

    it('unlock of a disabled account is refused (flow_invalid) and does not enable it', async () => {
      const carol = await find('carol');
      await expect(directory.unlock(carol)).rejects.toMatchObject({ code: 'flow_invalid' });
      expect((await directory.findById(tenantId, carol.id))?.enabled).toBe(false);
      expect(await directory.verifyPassword(carol, DIRECTORY_PEOPLE.carol.password)).toBe(false);
    });

    it('unlock of an account that no longer exists is refused', async () => {
      const ghost = { ...(await find('dave')), id: '00000000-0000-4000-8000-000000000000' };
      await expect(directory.unlock(ghost)).rejects.toMatchObject({ code: 'flow_invalid' });
    });
  });
}
