import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { accessPassesContract } from './access-passes.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

accessPassesContract(
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createTempPostgresDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
  () => available,
);
