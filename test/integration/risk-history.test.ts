import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KNOWN_DEVICES, SqlRiskHistory } from '../../src/adapters/risk/sql-risk-history.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, postJson } from '../http/api-client.js';

const databases = ['sqlite', ...(shouldRun('PostgreSQL', await postgresAvailable()) ? ['postgres' as const] : [])] as const;

/** The account histories and known devices of migration 0025, on both stores. */
describe.each(databases)('risk history in the store (%s)', (database) => {
  let t: TestApp;
  let history: SqlRiskHistory;
  beforeAll(async () => {
    t = await startTestApp({ database });
    history = new SqlRiskHistory(t.app.database.db);
  });
  afterAll(async () => t.close());

  it('has nothing for an account it never saw (nor for the empty subject of an unknown identifier)', async () => {
    expect(await history.account('demo', 'nobody')).toEqual({ last: null, hours: new Array(24).fill(0) });
    expect(await history.devices('demo', '')).toEqual([]);
  });

  it('keeps the last place and time, counts reset hours, and forgets the least recently used devices past the cap', async () => {
    const base = Date.UTC(2026, 0, 1, 9);
    for (let i = 0; i <= MAX_KNOWN_DEVICES; i += 1) {
      await history.record({ tenantId: 'demo', subjectId: 'u1', at: new Date(base + i * 1000), place: { country: 'DE', lat: 52.52, lon: 13.405 }, hour: 9, deviceHash: `${String(i).padStart(2, '0')}`.repeat(32) });
    }
    // The first device used again: it becomes the most recent, so the second one is the one forgotten.
    await history.record({ tenantId: 'demo', subjectId: 'u1', at: new Date(base + 60_000), place: null, hour: 10, deviceHash: '00'.repeat(32) });
    const devices = await history.devices('demo', 'u1');
    expect(devices).toHaveLength(MAX_KNOWN_DEVICES);
    expect(devices[0]).toBe('00'.repeat(32));
    expect(devices).not.toContain('01'.repeat(32));
    const account = await history.account('demo', 'u1');
    expect(account.last).toEqual({ at: new Date(base + 60_000), lat: null, lon: null, country: null });
    expect(account.hours[9]).toBe(MAX_KNOWN_DEVICES + 1);
    expect(account.hours[10]).toBe(1);
    expect(await history.account('other-tenant', 'u1')).toMatchObject({ last: null });
  });

  it('remembers a sign-in of the /me session as the last success, without counting its hour', async () => {
    const alice = await t.accountOf(ALICE.username);
    expect((await history.account('demo', alice.id)).last).toBeNull();
    const signedIn = await postJson(t, '/api/v1/me/session', { identifier: ALICE.username, password: ALICE.password });
    expect(signedIn.statusCode, signedIn.body).toBe(201);
    const kept = await history.account('demo', alice.id);
    expect(kept.last).not.toBeNull();
    // Stamped by the app's clock, moments ago (no GeoIP file here: no place).
    expect(t.clock.now().getTime() - kept.last!.at.getTime()).toBeLessThan(60_000);
    expect(kept.last).toMatchObject({ lat: null, lon: null, country: null });
    expect(kept.hours.reduce((a, b) => a + b, 0)).toBe(0);
  });
});
