import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Directory, DirectoryAccount, PreparedPasswordWrite } from '../../src/core/ports/directory.js';
import type { StoreTx } from '../../src/core/ports/store.js';

/** A directory with people the must-change cases may change as they like. */
export interface MustChangeFixture {
  directory: Directory;
  /** Runs work in a real store transaction, as the flows commit a prepared password write. */
  transaction(work: (tx: StoreTx) => Promise<void>): Promise<void>;
  /** A person of its own for each call (enabled, with a password), found through the directory. */
  freshPerson(): Promise<{ account: DirectoryAccount; password: string }>;
  /**
   * What the directory itself says about the mark, read around the adapter (AD `pwdLastSet`, the entry's
   * `pwdReset`, the row's `must_change`): true when it is set.
   */
  markInDirectory(account: DirectoryAccount): Promise<boolean>;
  close(): Promise<void>;
}

export interface MustChangeTarget {
  name: string;
  open(): Promise<MustChangeFixture>;
}

/**
 * A one-time password that must be changed at the next sign-in (the helpdesk's), on every directory that
 * supports it: the mark is written with the password, reported by `accountDetails`, proven by
 * `verifyPassword(…, { acceptMustChange: true })`, and cleared by the person's own change or any later reset.
 */
export function mustChangeContract(target: MustChangeTarget, available: () => boolean): void {
  describe.runIf(available())(`one-time passwords (must change) on ${target.name}`, () => {
    let fixture: MustChangeFixture;
    const commit = (write: PreparedPasswordWrite) => fixture.transaction((tx) => write.commit(tx));

    beforeAll(async () => {
      fixture = await target.open();
    }, 60_000);
    afterAll(async () => {
      await fixture?.close();
    });

    it('supports it, and a reset with mustChange writes the password and the mark together', async () => {
      const { account, password } = await fixture.freshPerson();
      const { directory } = fixture;
      expect(directory.supportsMustChange?.(account)).toBe(true);
      expect(await fixture.markInDirectory(account)).toBe(false);
      expect((await directory.accountDetails!(account)).mustChangePassword).toBe(false);

      const oneTime = 'Once-Only-Pass-4711!';
      await commit(await directory.preparePasswordWrite(account, oneTime, { mustChange: true }));
      expect(await fixture.markInDirectory(account)).toBe(true);
      const details = await directory.accountDetails!(account);
      expect(details.mustChangePassword).toBe(true);
      expect(details.attributes?.mustChangePassword).toBe('true');
      // The new one is the password now (proven as a fresh write is proven), the old one is not.
      expect(await directory.verifyPassword(account, oneTime, { acceptMustChange: true })).toBe(true);
      expect(await directory.verifyPassword(account, password, { acceptMustChange: true })).toBe(false);
      expect(await directory.verifyPassword(account, 'Not-The-Pass-4711!', { acceptMustChange: true })).toBe(false);
    });

    it("the person's own change of the one-time password clears the mark", async () => {
      const { account } = await fixture.freshPerson();
      const { directory } = fixture;
      const oneTime = 'Once-Only-Pass-4712!';
      await commit(await directory.preparePasswordWrite(account, oneTime, { mustChange: true }));

      const own = 'My-Own-Choice-4712!';
      await commit(await directory.changePassword(account, oneTime, own));
      expect(await fixture.markInDirectory(account)).toBe(false);
      expect((await directory.accountDetails!(account)).mustChangePassword).toBe(false);
      expect(await directory.verifyPassword(account, own)).toBe(true);
      expect(await directory.verifyPassword(account, oneTime, { acceptMustChange: true })).toBe(false);
    });

    it('a later reset without mustChange (self-service) clears the mark too', async () => {
      const { account } = await fixture.freshPerson();
      const { directory } = fixture;
      await commit(await directory.preparePasswordWrite(account, 'Once-Only-Pass-4713!', { mustChange: true }));
      expect(await fixture.markInDirectory(account)).toBe(true);

      const chosen = 'Reset-By-Myself-4713!';
      await commit(await directory.preparePasswordWrite(account, chosen));
      expect(await fixture.markInDirectory(account)).toBe(false);
      expect((await directory.accountDetails!(account)).mustChangePassword).toBe(false);
      expect(await directory.verifyPassword(account, chosen)).toBe(true);
    });

    it('a reset the directory refuses writes neither the password nor the mark', async () => {
      const { account, password } = await fixture.freshPerson();
      const { directory } = fixture;
      // Unwritable everywhere: the account is gone (an id nobody has).
      const ghost = { ...account, id: ghostIdOf(account.id) };
      await expect((async () => commit(await directory.preparePasswordWrite(ghost, 'Once-Only-Pass-4714!', { mustChange: true })))()).rejects.toMatchObject({
        code: 'flow_invalid',
      });
      expect(await fixture.markInDirectory(account)).toBe(false);
      expect(await directory.verifyPassword(account, password)).toBe(true);
    });
  });
}

/** An id of the same shape as `id` that no account has (a UUID / GUID with its last digits changed). */
function ghostIdOf(id: string): string {
  const at = id.lastIndexOf(':') + 1;
  return `${id.slice(0, at)}00000000-0000-4000-8000-000000000000`;
}
