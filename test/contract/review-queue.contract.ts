import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlReviewQueue } from '../../src/adapters/store/review-queue.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { newId } from '../../src/core/crypto/secrets.js';
import type { ResetFlowRecord } from '../../src/core/reset/reset-flow-record.js';
import { TestClock } from '../helpers/test-clock.js';
import type { StoreTarget } from './store.contract.js';

const HOLD = { score: 85, action: 'hold' as const, reasons: [{ reason: 'country' as const, points: 85, detail: { country: 'NL' } }] };

/** The review queue's contract (the console's Reviews and the pending gauge): every database adapter must pass it. */
export function reviewQueueContract(target: StoreTarget, available: () => boolean): void {
  describe.runIf(available())(`ReviewQueue contract on ${target.name}`, () => {
    let handle: DatabaseHandle;
    let store: SqlStore;
    let queue: SqlReviewQueue;
    let cleanup: () => Promise<void>;
    const clock = new TestClock();
    const now = clock.now();
    const tenant = `t-${newId().slice(0, 8)}`;

    const flow = (overrides: Partial<ResetFlowRecord> = {}): ResetFlowRecord => ({
      id: newId(), handleHash: randomBytes(32).toString('hex'), tenantId: tenant, subjectId: `s-${newId()}`, decoy: false, rateKey: 'r',
      supersedeKey: `k-${newId()}`, proven: ['email_code'], smsCodeHash: null, smsCodeKeyId: null, smsMethodId: null, smsCodeExpiresAt: null, linkHash: null,
      purpose: 'reset', canary: false, state: 'awaiting_review', codeHash: null, codeKeyId: null, attempts: 0, risk: HOLD,
      expiresAt: new Date(now.getTime() + 3600_000), createdAt: now, updatedAt: now, version: 2, ...overrides,
    });
    const insert = async (f: ResetFlowRecord, ip?: string) =>
      store.transaction(async (tx) => {
        await tx.flows.insert(f);
        if (ip) await tx.audit.append({ event: 'reset.review_held', outcome: 'success', tenantId: f.tenantId, subjectId: f.subjectId, flowId: f.id, actor: 'self', ip, details: {} });
      });

    beforeAll(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      handle = openDatabase(opened.url);
      await migrateToLatest(handle.db);
      store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), clock);
      queue = new SqlReviewQueue(handle.db);
    });
    afterAll(async () => {
      await handle?.close();
      await cleanup?.();
    });

    it('lists a tenant\'s held flows that have not run out, oldest first, with where and when each was held', async () => {
      const older = flow({ createdAt: new Date(now.getTime() - 60_000) });
      const newer = flow();
      await insert(newer, '198.51.100.4');
      await insert(older, '203.0.113.9');
      await insert(flow({ expiresAt: new Date(now.getTime() - 1000) }), '192.0.2.1');
      await insert(flow({ state: 'awaiting_password' }));
      await insert(flow({ tenantId: `${tenant}-other` }), '192.0.2.2');
      const pending = await queue.pending(tenant, now, 10);
      expect(pending.map((h) => h.flow.id)).toEqual([older.id, newer.id]);
      expect(pending[0]).toMatchObject({ ip: '203.0.113.9', flow: { risk: HOLD, state: 'awaiting_review', proven: ['email_code'] } });
      expect(pending[0]!.heldAt).toBeInstanceOf(Date);
      expect((await queue.pending(tenant, now, 1)).map((h) => h.flow.id)).toEqual([older.id]);
    });

    it('finds one flow of the tenant by its id, whatever its state, and nothing of another tenant', async () => {
      const f = flow({ state: 'rejected' });
      await insert(f);
      expect((await queue.get(tenant, f.id))?.state).toBe('rejected');
      expect(await queue.get(`${tenant}-other`, f.id)).toBeNull();
      expect(await queue.get(tenant, newId())).toBeNull();
    });

    it('counts held flows not run out per tenant', async () => {
      const counts = await queue.countPending(now);
      expect(counts[tenant]).toBe(2);
      expect(counts[`${tenant}-other`]).toBe(1);
    });

    it('keeps a held flow live: a second live flow for the key is refused until it is superseded', async () => {
      const held = flow();
      await insert(held);
      await expect(insert(flow({ supersedeKey: held.supersedeKey, state: 'awaiting_code' }))).rejects.toMatchObject({ code: 'conflict', details: { reason: 'live_flow' } });
      expect(await store.transaction((tx) => tx.flows.supersedeActive(tenant, held.supersedeKey, now))).toBe(1);
      expect((await queue.get(tenant, held.id))?.state).toBe('superseded');
    });
  });
}
