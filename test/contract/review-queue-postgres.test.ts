import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { reviewQueueContract } from './review-queue.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

reviewQueueContract(
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createTempPostgresDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
  () => available,
);
