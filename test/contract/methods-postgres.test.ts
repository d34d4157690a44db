import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { methodsContract } from './methods.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

methodsContract(
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createTempPostgresDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
  () => available,
);
