import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildAuditRollup } from '../../src/adapters/store/audit-rollup-backfill.js';
import { SqlAuditStats } from '../../src/adapters/store/audit-rollup.js';
import { loadOverview } from '../../src/core/admin/overview.js';
import { overviewWindow } from '../../src/core/admin/overview-period.js';
import { durationBucket, durationBucketValue } from '../../src/core/admin/rollup-dimensions.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import { auditEntry, openSeedDb, type AuditTarget, type SeedDb } from './audit-seed.js';

const NOW = new Date(Date.UTC(2026, 5, 15, 13, 30));
const MIN = 60_000;

/** The overview's contract: figures from the rollup the real appender keeps, against a log with known counts. */
export function auditOverviewContract(target: AuditTarget, available: () => boolean): void {
  describe.runIf(available())(`Audit overview on ${target.name}`, () => {
    let seed: SeedDb;
    let stats: SqlAuditStats;
    /** The next free minute, counting back from NOW: each flow's entries get their own instants. */
    let clock = NOW.getTime() - 20 * 60 * MIN;

    beforeAll(async () => {
      seed = await openSeedDb(target);
      stats = new SqlAuditStats(seed.handle.db);
    });
    afterAll(async () => {
      await seed?.close();
    });

    /** Appends each entry in its own transaction, a minute apart, all with one new flow id. */
    let flows = 0;
    async function flow(tenantId: string, ...entries: Array<readonly [AuditEntryInput['event'], AuditEntryInput['outcome'], Readonly<Record<string, unknown>>]>): Promise<void> {
      flows += 1;
      for (const [event, outcome, details] of entries) {
        clock += MIN;
        await seed.append(clock, auditEntry(event, { tenantId, outcome, details, flowId: `f${flows}`, subjectId: `u${flows}`, actor: event.startsWith('notice.') || event.includes('code_sen') ? 'system' : 'self' }));
      }
    }
    const start = (purpose = 'reset') => ['reset.started', 'success', { channel: 'email', purpose }] as const;
    const proof = (method: string, n: number, complete: boolean, purpose = 'reset') => ['reset.code_verified', 'success', { method, complete, proof: n, purpose }] as const;
    const done = (durationMs: number, methods: string[]) => ['reset.completed', 'success', { durationMs, methods }] as const;
    const plain = (event: AuditEntryInput['event'], outcome: AuditEntryInput['outcome'] = 'success', details: Record<string, unknown> = {}) => [event, outcome, details] as [AuditEntryInput['event'], AuditEntryInput['outcome'], Record<string, unknown>];

    it('computes every figure from a seeded log with known counts', async () => {
      const oneProof = [30, 45, 60, 90, 120, 600].map((s) => s * 1000);
      for (const [i, ms] of oneProof.entries()) {
        const checked = i < 4 ? [plain('reset.sign_in_checked', 'success', { tries: 1 })] : i === 4 ? [plain('reset.sign_in_checked', 'failure', { tries: 3 })] : [];
        await flow('acme', start(), plain('reset.code_sent', 'success', { channel: 'email', template: 'reset_code' }), proof('email_code', 1, true), done(ms, ['email_code']), ...checked, plain('notice.sent', 'success', { channel: 'email', template: 'password_changed' }));
      }
      for (const ms of [200, 300, 1000].map((s) => s * 1000)) await flow('acme', start(), proof('email_code', 1, false), proof('totp', 2, true), done(ms, ['email_code', 'totp']));
      for (let i = 0; i < 2; i += 1) await flow('acme', start(), proof('email_code', 1, false));
      for (let i = 0; i < 2; i += 1) await flow('acme', start(), proof('email_code', 1, true), plain('reset.password_rejected', 'failure', { reasons: ['too_short'] }));
      for (let i = 0; i < 3; i += 1) await flow('acme', start());
      const wrong = plain('reset.code_failed', 'failure', { method: 'email_code', purpose: 'reset', attempts: 1 });
      for (let i = 0; i < 2; i += 1) await flow('acme', start(), wrong, wrong, plain('reset.attempts_exceeded', 'failure', { method: 'email_code', purpose: 'reset' }));
      for (let i = 0; i < 4; i += 1) await flow('acme', plain('reset.started', 'decoy', { purpose: 'reset', reason: 'unknown' }), plain('reset.code_failed', 'decoy', { method: 'email_code' }), plain('reset.attempts_exceeded', 'decoy', { method: 'email_code' }));
      for (let i = 0; i < 2; i += 1) await flow('acme', start('unlock'), proof('email_code', 1, true, 'unlock'), plain('account.unlocked', 'success', { wasLocked: true }));
      for (const bucket of ['start_ip', 'start_ip', 'start_ip', 'verify_identifier', 'verify_identifier']) await flow('acme', plain('reset.rate_limited', 'denied', { bucket }));
      await flow('acme', plain('reset.code_sent', 'success', { channel: 'sms' }), plain('reset.code_sent', 'success', { channel: 'sms' }), plain('reset.code_send_failed', 'failure', { channel: 'sms' }));
      await flow('acme', plain('notice.send_failed', 'failure', { channel: 'email' }));
      await flow('acme', plain('password.changed'), plain('password.changed'), plain('password.changed'), plain('password.change_failed', 'failure'), plain('password.change_rejected', 'failure'), plain('password.change_rejected', 'failure'));
      await flow('acme', plain('signin.failed', 'failure'), plain('method.added', 'success', { kind: 'totp' }));
      for (let i = 0; i < 5; i += 1) await flow('other', start(), proof('sms_code', 1, true), done(5000, ['sms_code']));

      for (const period of ['24h', '7d', '30d', '90d']) {
        const o = await loadOverview({ stats }, 'acme', period, NOW);
        expect(o.resets).toEqual({ started: 18, completed: 9, failed: 2, decoys: 4, successRate: 0.5 });
        const value = (s: number) => durationBucketValue(durationBucket(s * 1000));
        expect(o.timeToReset).toEqual({ samples: 9, p50Ms: value(120), p95Ms: value(1000) });
        expect(o.byMethod).toEqual([
          { method: 'email_code', completed: 9, proofsPassed: 15, proofsFailed: 6 },
          { method: 'totp', completed: 3, proofsPassed: 3, proofsFailed: 0 },
        ]);
        expect(o.unlocks).toEqual({ started: 2, completed: 2 });
        expect(o.passwordChanges).toEqual({ changed: 3, failed: 1, rejected: 2 });
        expect(o.rateLimited).toEqual({ refused: 5, requests: 29, share: 5 / 29, byBucket: [{ bucket: 'start_ip', count: 3 }, { bucket: 'verify_identifier', count: 2 }] });
        expect(o.delivery).toEqual({
          codes: { good: 8, bad: 1, rate: 8 / 9 },
          notices: { good: 6, bad: 1, rate: 6 / 7 },
          codesByChannel: [{ channel: 'email', good: 6, bad: 0, rate: 1 }, { channel: 'sms', good: 2, bad: 1, rate: 2 / 3 }],
        });
        expect(o.signInAfterReset).toEqual({ good: 4, bad: 1, rate: 0.8 });
        expect(o.funnel).toEqual({
          secondProofNeeded: 5,
          steps: [
            { step: 'started', count: 18, lost: 0 },
            { step: 'first_proof', count: 13, lost: 5 },
            { step: 'second_proof', count: 3, lost: 2 },
            { step: 'password', count: 11, lost: 2 },
            { step: 'done', count: 9, lost: 2 },
          ],
        });
        expect(o.series.length).toBe({ '24h': 24, '7d': 7, '30d': 30, '90d': 90 }[period]);
        expect(o.series.reduce((sum, b) => sum + b.started, 0)).toBe(18);
        expect(o.series.reduce((sum, b) => sum + b.completed, 0)).toBe(9);
        expect(o.series.reduce((sum, b) => sum + b.rateLimited, 0)).toBe(5);
      }
      const other = await loadOverview({ stats }, 'other', '7d', NOW);
      expect(other.resets).toMatchObject({ started: 5, completed: 5 });
      expect((await loadOverview({ stats }, 'nobody', '90d', NOW)).resets).toEqual({ started: 0, completed: 0, failed: 0, decoys: 0, successRate: null });
    });

    it('counts an entry in a period exactly when its instant lies in the window (UTC hours and days)', async () => {
      const w24 = overviewWindow('24h', NOW);
      const w7 = overviewWindow('7d', NOW);
      const w30 = overviewWindow('30d', NOW);
      const w90 = overviewWindow('90d', NOW);
      expect([w24.from, w24.to].map((d) => d.toISOString())).toEqual(['2026-06-14T14:00:00.000Z', '2026-06-15T14:00:00.000Z']);
      expect([w7.from, w7.to].map((d) => d.toISOString())).toEqual(['2026-06-09T00:00:00.000Z', '2026-06-16T00:00:00.000Z']);
      const instants = [w24.from.getTime() - 1, w24.from.getTime(), w24.to.getTime() - 1, w7.from.getTime() - 1, w7.from.getTime(), w7.to.getTime() - 1, w30.from.getTime() - 1, w30.from.getTime(), w90.from.getTime() - 1, w90.from.getTime(), w90.from.getTime() - 10 * 86_400_000];
      for (const at of instants) await seed.append(at, auditEntry('reset.started', { tenantId: 'edges', details: { purpose: 'reset' } }));
      for (const w of [w24, w7, w30, w90]) {
        const inside = instants.filter((at) => at >= w.from.getTime() && at < w.to.getTime());
        const o = await loadOverview({ stats }, 'edges', w.period, NOW);
        expect(o.resets.started, w.period).toBe(inside.length);
        // The first bucket starts at `from`, the last ends at `to`; each entry lands in the bucket holding it.
        const width = w.grain === 'hour' ? 3_600_000 : 86_400_000;
        for (const bucket of o.series) {
          const mine = inside.filter((at) => at >= bucket.start.getTime() && at < bucket.start.getTime() + width).length;
          expect(bucket.started, `${w.period} ${bucket.start.toISOString()}`).toBe(mine);
        }
      }
      expect((await loadOverview({ stats }, 'edges', '24h', NOW)).resets.started).toBe(2);
      expect((await loadOverview({ stats }, 'edges', '7d', NOW)).resets.started).toBe(5);
      expect((await loadOverview({ stats }, 'edges', '90d', NOW)).resets.started).toBe(instants.length - 2);
    });

    it('keeps exact counts under concurrent appends, each counted in the chain it was appended to', async () => {
      await Promise.all(Array.from({ length: 16 }, (_, i) => seed.append(NOW.getTime() - i, auditEntry('reset.started', { tenantId: 'busy', details: { purpose: 'reset' } }))));
      expect((await loadOverview({ stats }, 'busy', '24h', NOW)).resets.started).toBe(16);
      const byChain = await seed.handle.db.selectFrom('audit_log').select(['chain']).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', 'busy').groupBy('chain').execute();
      const byShard = await seed.handle.db.selectFrom('audit_rollup').select(['shard']).select((eb) => eb.fn.sum<number>('count').as('n')).where('tenant_id', '=', 'busy').where('grain', '=', 'h').where('dimension', '=', '').groupBy('shard').execute();
      const asMap = (rows: Array<{ n: number | string | bigint }>, key: (r: never) => number) => new Map(rows.map((r) => [key(r as never), Number(r.n)]));
      expect(asMap(byShard, (r: { shard: number }) => Number(r.shard))).toEqual(asMap(byChain, (r: { chain: number }) => Number(r.chain)));
    });

    it('rebuilds the same rollup from the log, and completes entries written before their details said everything', async () => {
      const snapshot = async () =>
        (await sql<{ k: string; n: number }>`select tenant_id || '|' || grain || '|' || bucket || '|' || event || '|' || outcome || '|' || dimension || '|' || shard as k, count as n from audit_rollup where tenant_id <> 'legacy' order by 1`.execute(seed.handle.db)).rows.map((r) => `${r.k}=${Number(r.n)}`);
      // Older code wrote no proof number, purpose, time or methods: the backfill takes them from the flow's earlier entries.
      const t = NOW.getTime() - 3 * 3_600_000;
      const legacy = { tenantId: 'legacy', flowId: 'old-flow', subjectId: 'old' };
      await seed.append(t, auditEntry('reset.started', { ...legacy, details: { channel: 'email', purpose: 'reset' } }));
      await seed.append(t + MIN, auditEntry('reset.code_verified', { ...legacy, details: { method: 'email_code', complete: false } }));
      await seed.append(t + 2 * MIN, auditEntry('reset.code_verified', { ...legacy, details: { method: 'totp', complete: true } }));
      await seed.append(t + 5 * MIN, auditEntry('reset.completed', { ...legacy }));
      const before = await loadOverview({ stats }, 'legacy', '24h', NOW);
      expect(before.funnel.steps.map((s) => s.count)).toEqual([1, 0, 0, 0, 1]);
      expect(before.timeToReset.samples).toBe(0);

      const kept = await snapshot();
      expect(kept.length).toBeGreaterThan(100);
      const read = await seed.handle.db.transaction().execute((trx) => rebuildAuditRollup(trx, { pageSize: 7 }));
      expect(read).toBe(Number((await seed.handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n));
      expect(await snapshot()).toEqual(kept);

      const after = await loadOverview({ stats }, 'legacy', '24h', NOW);
      expect(after.funnel.steps.map((s) => s.count)).toEqual([1, 1, 1, 1, 1]);
      expect(after.timeToReset).toEqual({ samples: 1, p50Ms: durationBucketValue(durationBucket(5 * MIN)), p95Ms: durationBucketValue(durationBucket(5 * MIN)) });
      expect(after.byMethod.map((m) => [m.method, m.completed])).toEqual([['email_code', 1], ['totp', 1]]);
    });

    it('refuses an unknown period with invalid_request', async () => {
      await expect(loadOverview({ stats }, 'acme', '1y', NOW)).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(loadOverview({ stats }, 'acme', 'toString', NOW)).rejects.toMatchObject({ code: 'invalid_request' });
    });
  });
}
