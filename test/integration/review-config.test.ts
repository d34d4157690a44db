import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Step-up and hold driven by the risk engine's own configuration (`risk:` bands, `risk.review.ttlHours`), on SQLite
 * and PostgreSQL: a second start for one account within the hour adds the account-velocity points, whose band asks
 * for `hold` or `step_up`; the first start stays below it.
 */
describe.each(['sqlite', 'postgres'] as const)('risk bands drive step-up and hold (%s)', (database) => {
  const apps: TestApp[] = [];
  let skip = false;

  const start = async (action: 'hold' | 'step_up'): Promise<TestApp> => {
    const t = await startTestApp({
      database,
      overrides: {
        risk: {
          weights: { accountVelocity: 60 },
          velocity: { account: { threshold: 1, windowSeconds: 3600 } },
          bands: [{ min: 60, action }],
          review: { ttlHours: 2 },
        },
      },
    });
    apps.push(t);
    return t;
  };

  beforeAll(async () => {
    if (database === 'postgres' && !shouldRun('PostgreSQL', await postgresAvailable())) skip = true;
  });
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  const api = (t: TestApp, url: string, payload?: object) => (payload ? t.server.inject({ method: 'POST', url, payload }) : t.server.inject({ method: 'GET', url }));
  /** Two starts for `username`; the second is the risky one. Its emailed code is given. */
  async function secondStart(t: TestApp, username: string): Promise<{ flowId: string; verified: Record<string, unknown> }> {
    const first = (await api(t, '/api/v1/reset', { identifier: username })).json() as { flowId: string };
    const plain = await api(t, `/api/v1/reset/${first.flowId}/verify`, { code: await t.codeFor(`${username}@example.com`) });
    expect(plain.json()).toMatchObject({ next: 'set_password' });
    const { flowId } = (await api(t, '/api/v1/reset', { identifier: username })).json() as { flowId: string };
    const verified = await api(t, `/api/v1/reset/${flowId}/verify`, { code: await t.codeFor(`${username}@example.com`) });
    expect(verified.statusCode, verified.body).toBe(200);
    return { flowId, verified: verified.json() as Record<string, unknown> };
  }

  it('holds the risky start for review, for the configured window', async () => {
    if (skip) return;
    const t = await start('hold');
    const { flowId, verified } = await secondStart(t, 'alice');
    expect(verified.next).toBe('wait_for_review');
    const expiresAt = new Date(String(verified.expiresAt)).getTime();
    expect(Math.abs(expiresAt - (t.clock.now().getTime() + 2 * 3600_000))).toBeLessThan(120_000);
    expect((await api(t, `/api/v1/reset/${flowId}`)).json()).toMatchObject({ next: 'wait_for_review' });
    const queue = await t.app.database.db.selectFrom('reset_flows').select(['risk_action', 'risk_score']).where('state', '=', 'awaiting_review').execute();
    expect(queue).toEqual([{ risk_action: 'hold', risk_score: expect.any(Number) }]);
  });

  it('asks the risky start for one proof more', async () => {
    if (skip) return;
    const t = await start('step_up');
    const { flowId, verified } = await secondStart(t, 'bob');
    // Bob has only his mailbox: the second proof has no choice (the helpdesk page), the password stays shut.
    expect(verified).toMatchObject({ next: 'verify_second', methods: [] });
    expect((await api(t, `/api/v1/reset/${flowId}/password`, { password: 'yet another passphrase 9' })).statusCode).toBe(409);
  });
});
