import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { shouldRun } from '../helpers/services.js';
import { redisServerInstalled, startPrivateRedis, type PrivateRedis } from '../helpers/redis.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const available = shouldRun('redis-server', redisServerInstalled());

const PASSWORD = 'redis-secret-Zq81';
const PREFIX = 'outage';

/** Log lines of one node, as JSON. */
function logSink(): { lines: Array<Record<string, unknown>>; raw: string[]; stream: Writable } {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { lines, raw, stream };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(available)('rate limits when Redis goes away and comes back', () => {
  let redis: PrivateRedis;
  let node1: TestApp;
  let node2: TestApp;
  const log1 = logSink();
  const log2 = logSink();

  beforeAll(async () => {
    redis = await startPrivateRedis({ password: PASSWORD });
    // Two nodes, each on its own SQLite file: what they share is Redis alone. So the tests start resets for
    // identifiers no account has: those are counted by the identifier itself, the same key on both nodes
    // (a known account is counted by its id, which differs between the two demo databases).
    const overrides = {
      rateLimits: { start_identifier: { points: 3, durationSeconds: 900 }, store: 'redis' as const, redis: { url: redis.url, keyPrefix: PREFIX } },
    };
    node1 = await startTestApp({ overrides, logger: createLogger('info', log1.stream) });
    node2 = await startTestApp({ overrides, logger: createLogger('info', log2.stream) });
  });
  afterAll(async () => {
    await node1?.close();
    await node2?.close();
    await redis?.dispose();
  });

  const startReset = async (node: TestApp, identifier: string) =>
    (await node.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } })).statusCode;
  const storedKeys = async (): Promise<string[]> => {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    try {
      return await client.keys(`${PREFIX}:start_identifier:*`);
    } finally {
      client.disconnect();
    }
  };
  const warnings = (lines: Array<Record<string, unknown>>) => lines.filter((l) => String(l.msg).startsWith('rate-limit store unreachable'));
  const recoveries = (lines: Array<Record<string, unknown>>) => lines.filter((l) => String(l.msg).startsWith('rate-limit store reachable again'));

  it('shares the limit through Redis while it is up', async () => {
    expect([await startReset(node1, 'nobody-one'), await startReset(node2, 'nobody-one'), await startReset(node1, 'nobody-one')]).toEqual([202, 202, 202]);
    expect(await startReset(node2, 'nobody-one')).toBe(429);
    expect((await storedKeys()).length).toBe(1);
  });

  it('falls back to per-node memory limits during the outage: still 429 after the points, never 500', async () => {
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await startReset(node1, 'nobody-two'));
    // Memory starts from zero on this node: three more, then refused. Never unlimited, never an error.
    expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    // The other node counts on its own meanwhile.
    expect(await startReset(node2, 'nobody-two')).toBe(202);

    const metrics = (await node1.server.inject({ method: 'GET', url: '/metrics' })).body;
    const fallbacks = Number(/^unlatch_rate_limit_fallback_total\{store="redis"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    expect(fallbacks).toBeGreaterThanOrEqual(6);
    // One warning per outage, however many requests fell back.
    expect(warnings(log1.lines)).toHaveLength(1);
  });

  it('shares limits again once Redis is back (its counters start empty)', async () => {
    await redis.start();
    // ioredis reconnects on its own schedule (at most 2 s apart): wait for both nodes to say so.
    for (let i = 0; i < 100 && (recoveries(log1.lines).length === 0 || recoveries(log2.lines).length === 0); i += 1) await sleep(100);
    expect(recoveries(log1.lines)).toHaveLength(1);
    expect(recoveries(log2.lines)).toHaveLength(1);

    const statuses = [await startReset(node1, 'nobody-three'), await startReset(node2, 'nobody-three'), await startReset(node1, 'nobody-three')];
    expect(statuses).toEqual([202, 202, 202]);
    expect(await startReset(node2, 'nobody-three')).toBe(429);
    expect((await storedKeys()).length).toBe(1);
  });

  it('never logs the Redis URL or its password', () => {
    const all = [...log1.raw, ...log2.raw].join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain(redis.url);
  });
});
