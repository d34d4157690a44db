import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRouter } from '../../src/adapters/directory/directory-router.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';
import { mustChangeContract, type MustChangeFixture } from './directory-must-change.contract.js';

// The built-in store's one-time passwords (migration 0020's `must_change`) and password age
// (`maxPasswordAgeDays`), on SQLite and on PostgreSQL.

const TENANT = 'demo';
const DAY_MS = 86_400_000;
const pgAvailable = shouldRun('PostgreSQL', await postgresAvailable());

interface Opened {
  handle: DatabaseHandle;
  store: SqlStore;
  close(): Promise<void>;
}

async function openPostgres(clock: TestClock): Promise<Opened> {
  const database = await createTempPostgresDatabase();
  const handle = openDatabase(database.url);
  await migrateToLatest(handle.db);
  const store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), clock);
  return {
    handle,
    store,
    close: async () => {
      await handle.close();
      await database.drop();
    },
  };
}

const engines: { name: string; open: (clock: TestClock) => Promise<Opened>; available: () => boolean }[] = [
  { name: 'SQLite', open: openTempSqliteStore, available: () => true },
  { name: 'PostgreSQL', open: openPostgres, available: () => pgAvailable },
];

for (const engine of engines) {
  const hasher = new Argon2Hasher();

  /** A user of their own with a password, as the directory finds them. */
  const addPerson = async (opened: Opened, directory: SqlDirectory, clock: TestClock, username: string, password: string) => {
    const users = new SqlUserRepository(opened.handle.db);
    await users.insert({ tenantId: TENANT, username, email: `${username}@example.org`, displayName: username, passwordHash: await hasher.hash(password) }, clock.now());
    const account = await directory.findByIdentifier(TENANT, username);
    if (!account) throw new Error(`${username} not found`);
    return account;
  };

  mustChangeContract(
    {
      name: `the built-in SQL directory (${engine.name})`,
      async open(): Promise<MustChangeFixture> {
        const clock = new TestClock();
        const opened = await engine.open(clock);
        const directory = new SqlDirectory(opened.handle.db, hasher, clock);
        let n = 0;
        return {
          directory,
          transaction: (work) => opened.store.transaction(work),
          async freshPerson() {
            const password = `Start-Pass-${++n}-2025!`;
            return { account: await addPerson(opened, directory, clock, `once${n}`, password), password };
          },
          async markInDirectory(account) {
            const row = await opened.handle.db.selectFrom('users').select('must_change').where('id', '=', account.id).executeTakeFirstOrThrow();
            return Number(row.must_change) === 1;
          },
          close: opened.close,
        };
      },
    },
    engine.available,
  );

  describe.runIf(engine.available())(`the built-in directory's password age and the router (${engine.name})`, () => {
    let opened: Opened;
    let clock: TestClock;

    beforeAll(async () => {
      clock = new TestClock();
      opened = await engine.open(clock);
    }, 60_000);
    afterAll(async () => {
      await opened?.close();
    });

    it('maxPasswordAgeDays: passwordExpiresAt is the time the password was set plus the age; unset, it never expires', async () => {
      const aging = new SqlDirectory(opened.handle.db, hasher, clock, { maxPasswordAgeDays: 90 });
      const account = await addPerson(opened, aging, clock, 'ager', 'Ager-Start-2025!');
      const first = await aging.accountDetails(account);
      expect(first.passwordLastSetAt).toBeInstanceOf(Date);
      expect(first.passwordExpiresAt!.getTime()).toBe(first.passwordLastSetAt!.getTime() + 90 * DAY_MS);
      expect((await new SqlDirectory(opened.handle.db, hasher, clock).accountDetails(account)).passwordExpiresAt).toBeNull();

      // A new password starts a new age.
      clock.advance(3600);
      await opened.store.transaction(async (tx) => (await aging.preparePasswordWrite(account, 'Ager-Second-2025!')).commit(tx));
      const second = await aging.accountDetails(account);
      expect(second.passwordLastSetAt!.getTime()).toBeGreaterThanOrEqual(first.passwordLastSetAt!.getTime() + 3600_000);
      expect(second.passwordExpiresAt!.getTime()).toBe(second.passwordLastSetAt!.getTime() + 90 * DAY_MS);
    });

    it('a person without a password has nothing to expire; a person who is gone has no details', async () => {
      const aging = new SqlDirectory(opened.handle.db, hasher, clock, { maxPasswordAgeDays: 30 });
      await new SqlUserRepository(opened.handle.db).insert({ tenantId: TENANT, username: 'nopass', email: 'nopass@example.org' }, clock.now());
      const nopass = (await aging.findByIdentifier(TENANT, 'nopass'))!;
      expect(await aging.accountDetails(nopass)).toMatchObject({ passwordLastSetAt: null, passwordExpiresAt: null });
      expect(await aging.accountDetails({ ...nopass, id: 'gone' })).toEqual({});
    });

    it('the router passes mustChange to the built-in directory, and says it supports it', async () => {
      const sql = new SqlDirectory(opened.handle.db, hasher, clock);
      const router = new DirectoryRouter({
        tenants: new Map([[TENANT, [{ name: 'builtin', directory: sql, builtin: true, alsoWriteTo: [], cacheSeconds: 0 }]]]),
        defaultTenantId: TENANT,
        clock,
      });
      const account = await addPerson(opened, sql, clock, 'routed', 'Routed-Start-2025!');
      expect(router.supportsMustChange(account)).toBe(true);
      expect(router.supportsMustChange({ ...account, tenantId: 'no-such-tenant' })).toBe(false);
      await opened.store.transaction(async (tx) => (await router.preparePasswordWrite(account, 'Routed-Once-2025!', { mustChange: true })).commit(tx));
      expect((await router.accountDetails(account)).mustChangePassword).toBe(true);
      expect(await router.verifyPassword(account, 'Routed-Once-2025!', { acceptMustChange: true })).toBe(true);
      // Existing callers pass no options: a plain reset, which clears the mark.
      await opened.store.transaction(async (tx) => (await router.preparePasswordWrite(account, 'Routed-Plain-2025!')).commit(tx));
      expect((await router.accountDetails(account)).mustChangePassword).toBe(false);
    });
  });
}
