import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { PEOPLE_LIST } from '../helpers/directory-people.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';
import { directoryPeopleContract, type PeopleTarget } from './directory-people.contract.js';
import { directoryContract } from './directory.contract.js';

const TENANT = 'demo';

const target: PeopleTarget = {
  name: 'the built-in SQL directory (SQLite)',
  async open() {
    const clock = new TestClock();
    const { handle, store, close } = await openTempSqliteStore(clock);
    const hasher = new Argon2Hasher();
    const users = new SqlUserRepository(handle.db);
    for (const person of PEOPLE_LIST) {
      await users.insert(
        {
          tenantId: TENANT,
          username: person.username,
          email: person.email,
          phone: person.phone ?? null,
          displayName: person.displayName,
          groups: [...person.groups],
          passwordHash: await hasher.hash(person.password),
          enabled: person.disabled !== true,
        },
        clock.now(),
      );
    }
    const directory = new SqlDirectory(handle.db, hasher, clock);
    return {
      directory,
      tenantId: TENANT,
      transaction: (work) => store.transaction(work),
      async lockOut(name) {
        // The built-in store has no bind to fail: its lockout is the flag, set as an admin or a limiter would.
        const account = await directory.findByIdentifier(TENANT, name);
        await users.setFlags(TENANT, account!.id, { locked: true }, clock.now());
      },
      async addPeople(people) {
        for (const p of people) {
          await users.insert({ tenantId: TENANT, username: p.username, email: p.email, displayName: p.displayName, passwordHash: await hasher.hash(p.password) }, clock.now());
        }
      },
      close,
    };
  },
};

directoryContract(target, () => true);
directoryPeopleContract(target, () => true);
