import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { storeContract } from './store.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

storeContract(
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createTempPostgresDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
  () => available,
);
