import { RedisLimiter } from '../../src/adapters/limiter/redis-limiter.js';
import { shouldRun } from '../helpers/services.js';
import { deleteRedisKeys, redisAvailable, REDIS_TEST_URL, uniquePrefix } from '../helpers/redis.js';
import { limiterContract } from './limiter.contract.js';

const available = shouldRun('Redis', await redisAvailable());

limiterContract(
  {
    name: 'Redis',
    async open(buckets) {
      const keyPrefix = uniquePrefix('contract');
      const limiter = await RedisLimiter.open({ url: REDIS_TEST_URL, keyPrefix, buckets });
      return { limiter, cleanup: () => deleteRedisKeys(keyPrefix) };
    },
  },
  () => available,
);
