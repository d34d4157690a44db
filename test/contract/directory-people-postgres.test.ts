import { randomBytes } from 'node:crypto';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { openDatabase } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { PEOPLE_LIST } from '../helpers/directory-people.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { TestClock } from '../helpers/test-clock.js';
import { directoryPeopleContract } from './directory-people.contract.js';

// The built-in directory's people search and keyset listing on PostgreSQL too: its collation orders the
// keyset, and its LIKE/lower() would fold differently from SQLite's (the search matches in code instead).

const TENANT = 'demo';
const available = shouldRun('PostgreSQL', await postgresAvailable());

directoryPeopleContract(
  {
    name: 'the built-in SQL directory (PostgreSQL)',
    async open() {
      const clock = new TestClock();
      const database = await createTempPostgresDatabase();
      const handle = openDatabase(database.url);
      await migrateToLatest(handle.db);
      const store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), clock);
      const hasher = new Argon2Hasher();
      const users = new SqlUserRepository(handle.db);
      const add = async (person: { username: string; email: string; displayName: string; password: string; groups?: readonly string[]; disabled?: boolean }) =>
        users.insert(
          {
            tenantId: TENANT,
            username: person.username,
            email: person.email,
            displayName: person.displayName,
            groups: [...(person.groups ?? [])],
            passwordHash: await hasher.hash(person.password),
            enabled: person.disabled !== true,
          },
          clock.now(),
        );
      for (const person of PEOPLE_LIST) await add(person);
      // Another tenant's people must never show up in this one's search or listing.
      await users.insert({ tenantId: 'other', username: 'pager99', email: 'pager99@paging.example.org', displayName: 'Paging Person 99' }, clock.now());
      return {
        directory: new SqlDirectory(handle.db, hasher, clock),
        tenantId: TENANT,
        transaction: (work) => store.transaction(work),
        lockOut: async () => {
          throw new Error('not used by the people contract');
        },
        async addPeople(people) {
          for (const person of people) await add(person);
        },
        close: async () => {
          await handle.close();
          await database.drop();
        },
      };
    },
  },
  () => available,
);
