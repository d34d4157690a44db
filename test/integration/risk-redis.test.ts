import { afterAll, describe, expect, it } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { deleteRedisKeys, REDIS_TEST_URL, redisAvailable, uniquePrefix } from '../helpers/redis.js';
import { shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postJson } from '../http/api-client.js';

const redisUp = shouldRun('Redis', await redisAvailable());
const prefix = uniquePrefix('risk');
afterAll(() => (redisUp ? deleteRedisKeys(prefix) : undefined));

describe.runIf(redisUp)('risk velocity counted in Redis, shared by two app instances', () => {
  it('counts one identifier and one address across both nodes', async () => {
    const overrides = {
      server: { trustProxy: true },
      rateLimits: { store: 'redis', redis: { url: REDIS_TEST_URL, keyPrefix: prefix } },
      risk: { proofOfWork: { mode: 'never' }, velocity: { account: { threshold: 3 }, ip: { threshold: 4 } } },
    } as RawConfig;
    const nodes: TestApp[] = [await startTestApp({ overrides }), await startTestApp({ overrides })];
    try {
      // Six starts for one identifier from one address, alternating between the nodes. (Each node has its own SQLite
      // file and demo users, so a real account would have a different id on each: an unknown identifier has one key.)
      for (let i = 0; i < 6; i += 1) {
        const res = await postJson(nodes[i % 2]!, '/api/v1/reset', { identifier: 'nobody-at-all' }, { 'x-forwarded-for': '192.0.2.44' });
        expect(res.statusCode, res.body).toBe(202);
      }
      const last = await nodes[1]!.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'reset.started').orderBy('seq', 'desc').executeTakeFirstOrThrow();
      const { reasons } = (JSON.parse(last.details) as { risk: { reasons: Array<{ reason: string; detail?: Record<string, unknown> }> } }).risk;
      expect(reasons).toEqual(expect.arrayContaining([
        { reason: 'ip_velocity', points: 25, detail: { count: 6, threshold: 4 } },
        { reason: 'account_velocity', points: 20, detail: { count: 6, threshold: 3 } },
      ]));
    } finally {
      for (const node of nodes) await node.close();
    }
  });
});
