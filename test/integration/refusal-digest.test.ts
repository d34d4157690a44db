import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { expectProblem, postJson } from '../http/api-client.js';

/** A flood of refused starts from one address: audited as the first refusal plus one entry with the count. */
describe('rate-limit refusals of a flood, folded in the audit log', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { rateLimits: { start_ip: { points: 2, durationSeconds: 900 } }, audit: { refusalWindowSeconds: 60 } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  const refusals = () =>
    t.app.database.db.selectFrom('audit_log').select(['details', 'ip']).where('event', '=', 'reset.rate_limited').orderBy('seq').execute();

  it('writes the first refusal at once, counts the rest of the window, and writes the count once the window has closed', async () => {
    for (let i = 0; i < 2; i += 1) expect((await postJson(t, '/api/v1/reset', { identifier: `nobody-${i}` })).statusCode).toBe(202);
    for (let i = 0; i < 8; i += 1) expectProblem(await postJson(t, '/api/v1/reset', { identifier: `flood-${i}` }), 429, 'rate_limited');
    // Every refusal answered 429, but only the first is written so far.
    let rows = await refusals();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(String(rows[0]!.details))).toEqual({ bucket: 'start_ip' });

    // The window closes: the periodic writer (or the next refusal) writes the other seven as one entry.
    t.clock.advance(61);
    expect(await t.app.resetFlow.writeRefusalSummaries()).toBe(1);
    rows = await refusals();
    expect(rows).toHaveLength(2);
    expect(JSON.parse(String(rows[1]!.details))).toEqual({ bucket: 'start_ip', repeated: 7, windowSeconds: 60 });
    expect(rows[1]!.ip).toBe(rows[0]!.ip);
    // A new window starts with an entry of its own.
    expectProblem(await postJson(t, '/api/v1/reset', { identifier: 'flood-late' }), 429, 'rate_limited');
    expect(await refusals()).toHaveLength(3);
  });
});
