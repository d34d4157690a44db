import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

/**
 * The reminder record on both databases: a round is recorded once; concurrent transactions recording the same
 * round (PostgreSQL: the second waits for the first) let exactly one succeed; a rolled-back recording leaves
 * nothing; counts per round and expiry rounds by threshold.
 */
describe.each([
  ['sqlite', true],
  ['postgres', pgUp],
] as const)('reminder ledger on %s', (database, available) => {
  let t: TestApp;
  beforeAll(async () => {
    if (available) t = await startTestApp({ database });
  });
  afterAll(async () => {
    await t?.close();
  });
  const at = new Date('2026-05-01T08:00:00Z');
  const entry = (subjectId: string, round: string, kind: 'enrolment' | 'expiry' = 'enrolment') => ({ tenantId: 'demo', subjectId, kind, round, at, mailed: true });

  it.runIf(available)('records each round once, also under concurrency', async () => {
    const { ledger } = t.app.reminders;
    const results = await Promise.all(Array.from({ length: 6 }, () => t.app.store.transaction((tx) => ledger.record(tx, entry('s1', 'r1')))));
    expect(results.filter(Boolean).length).toBe(1);
    expect(await t.app.store.transaction((tx) => ledger.record(tx, entry('s1', 'r2')))).toBe(true);
    expect(await t.app.store.transaction((tx) => ledger.record(tx, entry('s2', 'r1')))).toBe(true);

    // Recorded in a transaction that then fails: nothing stays, so the reminder is tried again next time.
    await expect(t.app.store.transaction(async (tx) => {
      await ledger.record(tx, entry('s3', 'r1'));
      throw new Error('mail could not be queued');
    })).rejects.toThrow('mail could not be queued');
    expect(await t.app.store.transaction((tx) => ledger.record(tx, entry('s3', 'r1')))).toBe(true);

    const bySubject = await ledger.sentBySubject('demo', 'enrolment');
    expect(bySubject.get('s1')?.map((r) => r.round)).toEqual(['r1', 'r2']);
    expect(await ledger.countsByRound('demo', 'enrolment')).toEqual([{ round: 'r1', count: 3 }, { round: 'r2', count: 1 }]);

    await t.app.store.transaction(async (tx) => {
      await ledger.record(tx, entry('s1', '2026-06-01T00:00:00.000Z/14d', 'expiry'));
      await ledger.record(tx, entry('s2', '2026-06-02T00:00:00.000Z/14d', 'expiry'));
      await ledger.record(tx, entry('s2', '2026-06-02T00:00:00.000Z/7d', 'expiry'));
    });
    expect(await ledger.countsByRound('demo', 'expiry')).toEqual([{ round: '14d', count: 2 }, { round: '7d', count: 1 }]);
    expect((await ledger.sentBySubject('demo', 'expiry', new Date(at.getTime() + 1))).size).toBe(0);
  });
});
