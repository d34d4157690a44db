import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { deleteRedisKeys, redisAvailable, REDIS_TEST_URL, uniquePrefix } from '../helpers/redis.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const redisUp = pgUp && shouldRun('Redis', await redisAvailable());

/** Three reset starts per identifier: enough to see a fourth refused wherever it lands. */
const START_LIMIT = { start_identifier: { points: 3, durationSeconds: 900 } };

interface StoreCase {
  store: 'postgres' | 'redis';
  available: boolean;
  /** The rate-limit settings of every app in one test; `prefix` keeps Redis keys apart per test. */
  rateLimits(prefix: string): RawConfig['rateLimits'];
  cleanup(prefix: string): Promise<void>;
}

const CASES: StoreCase[] = [
  { store: 'postgres', available: pgUp, rateLimits: () => ({ ...START_LIMIT, store: 'postgres' }), cleanup: async () => undefined },
  {
    store: 'redis',
    available: redisUp,
    rateLimits: (prefix) => ({ ...START_LIMIT, store: 'redis', redis: { url: REDIS_TEST_URL, keyPrefix: prefix } }),
    cleanup: (prefix) => deleteRedisKeys(prefix),
  },
];

for (const c of CASES) {
  describe.runIf(c.available)(`rate limits in ${c.store}, shared by app instances on one PostgreSQL database`, () => {
    let database: { url: string; drop: () => Promise<void> };
    const running: TestApp[] = [];
    let prefix: string;

    beforeAll(async () => {
      database = await createTempPostgresDatabase();
    });
    afterEach(async () => {
      await Promise.all(running.splice(0).map((t) => t.close()));
      await c.cleanup(prefix);
    });
    afterAll(async () => {
      await database?.drop();
    });

    const startApp = async (): Promise<TestApp> => {
      const t = await startTestApp({
        overrides: {
          database: { url: database.url },
          rateLimits: c.rateLimits(prefix),
          // A provider nobody calls (the test only asks the sender's limits): SMS must count in the same store.
          sms: { providers: [{ type: 'webhook', name: 'unused', url: 'http://127.0.0.1:9/sms', timeoutMs: 1000 }], limits: { perDestination: { points: 2, durationSeconds: 3600 } } },
        },
      });
      running.push(t);
      return t;
    };
    const startReset = (t: TestApp, identifier: string) =>
      t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } });

    it('counts starts on either node against one limit', async () => {
      prefix = uniquePrefix(`shared-${c.store}`);
      const [node1, node2] = [await startApp(), await startApp()];
      const statuses = [];
      for (const node of [node1, node2, node1]) statuses.push((await startReset(node, 'bob')).statusCode);
      expect(statuses).toEqual([202, 202, 202]);
      // Memory counters would allow this one (node2 has seen one start); the shared count says four.
      const fourth = await startReset(node2, 'bob');
      expect(fourth.statusCode).toBe(429);
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      // Another identifier has its own count on both nodes.
      expect((await startReset(node2, 'alice')).statusCode).toBe(202);
    });

    it('counts SMS sends to one number across nodes (the SMS limits live in the same store)', async () => {
      prefix = uniquePrefix(`sms-${c.store}`);
      const [node1, node2] = [await startApp(), await startApp()];
      const to = `+1555${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
      expect(await node1.app.sms!.admit({ tenantId: 'demo', to })).toEqual({ admitted: true });
      expect(await node2.app.sms!.admit({ tenantId: 'demo', to })).toEqual({ admitted: true });
      expect(await node1.app.sms!.admit({ tenantId: 'demo', to })).toMatchObject({ sent: false, reason: 'rate_limited', limit: 'destination' });
    });

    it('keeps the count when the app restarts', async () => {
      prefix = uniquePrefix(`restart-${c.store}`);
      const before = await startApp();
      // An identifier of its own (the database outlives the test before); unknown accounts count the same.
      const identifier = 'restart-probe';
      for (let i = 0; i < 3; i += 1) expect((await startReset(before, identifier)).statusCode).toBe(202);
      await running.splice(0, 1)[0]!.close();

      const after = await startApp();
      expect((await startReset(after, identifier)).statusCode).toBe(429);
    });
  });
}
