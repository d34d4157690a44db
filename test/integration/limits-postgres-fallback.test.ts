import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLimiter } from '../../src/adapters/limiter/postgres-limiter.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

const available = shouldRun('PostgreSQL', await postgresAvailable());

/**
 * The PostgreSQL store's insurance: when its queries fail, each node counts in memory. The failure here is
 * the counters' table going away (every query then fails, as in an outage, without stopping the server
 * other tests share); putting it back ends the outage.
 */
describe.runIf(available)('PostgreSQL rate limits when the store fails', () => {
  let database: { url: string; drop: () => Promise<void> };
  let limiter: PostgresLimiter;
  let admin: pg.Client;
  const fallbacks: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];

  beforeAll(async () => {
    database = await createTempPostgresDatabase();
    limiter = await PostgresLimiter.open({
      url: database.url,
      buckets: { start_identifier: { points: 2, durationSeconds: 600 } },
      events: {
        fallback: (store) => fallbacks.push(store),
        log: { warn: (_d, message) => void warnings.push(message), info: (_d, message) => void notes.push(message) },
      },
    });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await limiter?.close();
    await database?.drop();
  });

  it('counts in the table while it answers', async () => {
    expect(await limiter.consume('start_identifier', 'demo:alice')).toEqual({ allowed: true, remaining: 1 });
    const rows = await admin.query<{ key: string; points: number }>('select key, points from unlatch_rate_limits');
    expect(rows.rows).toEqual([{ key: 'start_identifier:demo:alice', points: 1 }]);
    expect(fallbacks).toEqual([]);
  });

  it('falls back to memory limits when queries fail: limited, never an error, counted and warned once', async () => {
    await admin.query('alter table unlatch_rate_limits rename to unlatch_rate_limits_away');
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await limiter.consume('start_identifier', 'demo:bob')).allowed);
    expect(answers).toEqual([true, true, false, false]);
    expect(fallbacks.length).toBeGreaterThanOrEqual(4);
    expect(fallbacks.every((store) => store === 'postgres')).toBe(true);
    expect(warnings).toHaveLength(1);
    // Peek and clear fall back too, rather than failing the request.
    expect((await limiter.peek('start_identifier', 'demo:bob')).allowed).toBe(false);
    await expect(limiter.clear('start_identifier', 'demo:bob')).resolves.toBeUndefined();
  });

  it('counts in the table again once it answers, and says so', async () => {
    await admin.query('alter table unlatch_rate_limits_away rename to unlatch_rate_limits');
    const before = fallbacks.length;
    // alice's count from before the outage is still there: the table kept it.
    expect(await limiter.consume('start_identifier', 'demo:alice')).toEqual({ allowed: true, remaining: 0 });
    expect(fallbacks.length).toBe(before);
    expect(notes).toEqual(['rate-limit store reachable again: limits are shared again']);
  });
});
