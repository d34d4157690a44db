import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { auditQueryContract } from './audit-query.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

auditQueryContract(
  {
    name: 'PostgreSQL',
    async open() {
      const db = await createTempPostgresDatabase();
      return { url: db.url, cleanup: db.drop };
    },
  },
  () => available,
);
