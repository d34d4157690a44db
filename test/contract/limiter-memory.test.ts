import { MemoryLimiter } from '../../src/adapters/limiter/memory-limiter.js';
import { limiterContract } from './limiter.contract.js';

limiterContract(
  {
    name: 'memory',
    async open(buckets) {
      return { limiter: new MemoryLimiter(buckets), cleanup: async () => undefined };
    },
  },
  () => true,
);
