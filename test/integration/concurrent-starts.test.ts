import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_STATES } from '../../src/core/reset/reset-states.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE } from '../http/api-client.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

/** Simultaneous starts per identifier: enough that several transactions overlap on every run. */
const STARTS = 12;

/** Fires `STARTS` starts for `identifier` at once, spread round-robin over `apps`; returns their statuses. */
async function startAtOnce(apps: readonly TestApp[], identifier: string): Promise<number[]> {
  const answers = await Promise.all(
    Array.from({ length: STARTS }, (_, i) => apps[i % apps.length]!.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier } })),
  );
  return answers.map((a) => a.statusCode);
}

/** Live flows (any step) of one supersede key: an account id, or `decoy:<identifier>`. */
async function liveFlows(t: TestApp, supersedeKey: string): Promise<number> {
  const rows = await t.app.database.db
    .selectFrom('reset_flows')
    .select('id')
    .where('tenant_id', '=', 'demo')
    .where('supersede_key', '=', supersedeKey)
    .where('state', 'in', [...LIVE_STATES])
    .execute();
  return rows.length;
}

describe.runIf(pgUp)('one live flow per account: simultaneous starts on two instances sharing PostgreSQL', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ database: 'postgres' });
    // The second node joins the first one's database (migrated and seeded already), as a second replica would.
    b = await startTestApp({ overrides: { database: { url: a.config.database.url } } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('leaves exactly one live flow for a real account, every start answered 202', async () => {
    const statuses = await startAtOnce([a, b], ALICE.username);
    expect(statuses).toEqual(Array.from({ length: STARTS }, () => 202));
    const alice = await a.accountOf(ALICE.username);
    expect(await liveFlows(a, alice.id)).toBe(1);
    const all = await a.app.database.db.selectFrom('reset_flows').select('state').where('subject_id', '=', alice.id).execute();
    expect(all).toHaveLength(STARTS);
    expect(all.filter((r) => r.state === 'superseded')).toHaveLength(STARTS - 1);
  });

  it('leaves exactly one live flow for an unknown identifier too (decoys supersede like real flows)', async () => {
    expect(await startAtOnce([a, b], 'no.such.person')).toEqual(Array.from({ length: STARTS }, () => 202));
    expect(await liveFlows(b, 'decoy:no.such.person')).toBe(1);
  });
});

describe('one live flow per account: simultaneous starts on one instance with SQLite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves exactly one live flow for a real account and for an unknown identifier', async () => {
    expect(await startAtOnce([t], ALICE.email)).toEqual(Array.from({ length: STARTS }, () => 202));
    expect(await liveFlows(t, (await t.accountOf(ALICE.username)).id)).toBe(1);
    expect(await startAtOnce([t], 'no.such.person')).toEqual(Array.from({ length: STARTS }, () => 202));
    expect(await liveFlows(t, 'decoy:no.such.person')).toBe(1);
  });
});
