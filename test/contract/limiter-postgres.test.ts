import { PostgresLimiter } from '../../src/adapters/limiter/postgres-limiter.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { limiterContract } from './limiter.contract.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

limiterContract(
  {
    name: 'PostgreSQL',
    async open(buckets) {
      const db = await createTempPostgresDatabase();
      const limiter = await PostgresLimiter.open({ url: db.url, buckets });
      return { limiter, cleanup: db.drop };
    },
  },
  () => available,
);
