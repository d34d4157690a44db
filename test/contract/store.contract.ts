import { LIVE_STATES } from '../../src/core/reset/reset-states.js';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { SqlAuditReaderForTests } from './audit-rows.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlOutboxQueue } from '../../src/adapters/store/outbox-repository.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { SqlUserRepository } from '../../src/adapters/store/user-repository.js';
import { SqlDirectory } from '../../src/adapters/directory/sql-directory.js';
import { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import { SqlAuditAppender } from '../../src/adapters/store/audit-appender.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { newId } from '../../src/core/crypto/secrets.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { ResetFlowRecord } from '../../src/core/reset/reset-flow-record.js';
import { TestClock } from '../helpers/test-clock.js';

export interface StoreTarget {
  name: string;
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

function flow(overrides: Partial<ResetFlowRecord> = {}): ResetFlowRecord {
  const now = new Date();
  const subjectId = overrides.subjectId === undefined ? 'user-1' : overrides.subjectId;
  return {
    id: newId(), handleHash: randomBytes(32).toString('hex'), tenantId: 'demo', subjectId, decoy: false, rateKey: 'alice',
    supersedeKey: `${subjectId ?? 'decoy:alice'}:${newId()}`, proven: [], smsCodeHash: null, smsCodeKeyId: null, smsMethodId: null, smsCodeExpiresAt: null, linkHash: null, purpose: 'reset', canary: false,
    state: 'awaiting_code', codeHash: 'ab'.repeat(32), codeKeyId: 'k1', attempts: 0, expiresAt: new Date(now.getTime() + 600_000),
    createdAt: now, updatedAt: now, version: 1, ...overrides,
  };
}

const entry = (event: AuditEntryInput['event'] = 'reset.started'): AuditEntryInput => ({
  event, outcome: 'success', tenantId: 'demo', subjectId: 'user-1', actor: 'self', ip: '127.0.0.1', correlationId: 'corr-1', details: { n: 1 },
});

/** The Store port's contract: every database adapter must pass it. */
export function storeContract(target: StoreTarget, available: () => boolean): void {
  describe.runIf(available())(`Store contract on ${target.name}`, () => {
    let handle: DatabaseHandle;
    let store: SqlStore;
    let queue: SqlOutboxQueue;
    let cleanup: () => Promise<void>;
    const clock = new TestClock();
    const keys = new KeyRing([{ id: 'k1', secret: randomBytes(32) }]);
    const sealer = new Sealer(keys, 'outbox-seal');

    beforeAll(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      handle = openDatabase(opened.url);
      await migrateToLatest(handle.db);
      store = new SqlStore(handle, sealer, clock);
      queue = new SqlOutboxQueue(handle.db, handle.dialect, sealer, clock);
    });
    afterAll(async () => {
      await handle?.close();
      await cleanup?.();
    });

    it('migrations are idempotent', async () => {
      expect(await migrateToLatest(handle.db)).toEqual([]);
    });

    it('stores and finds a flow by its handle hash, with every field intact', async () => {
      const f = flow({ decoy: true, subjectId: null });
      await store.transaction((tx) => tx.flows.insert(f));
      expect(await store.flows.findByHandleHash(f.handleHash)).toEqual(f);
      expect(await store.flows.findByHandleHash('0'.repeat(64))).toBeNull();
    });

    it('keeps the canary mark of a flow (migration 0022)', async () => {
      const f = flow({ canary: true });
      await store.transaction((tx) => tx.flows.insert(f));
      expect((await store.flows.findByHandleHash(f.handleHash))?.canary).toBe(true);
      await store.transaction((tx) => tx.flows.update({ ...f, attempts: 1, version: 2 }, 1));
      expect(await store.flows.findByHandleHash(f.handleHash)).toEqual({ ...f, attempts: 1, version: 2 });
    });

    it('keeps the language a flow was started in (migration 0024)', async () => {
      const f = flow({ lang: 'de' });
      await store.transaction((tx) => tx.flows.insert(f));
      expect((await store.flows.findByHandleHash(f.handleHash))?.lang).toBe('de');
      await store.transaction((tx) => tx.flows.update({ ...f, attempts: 1, version: 2 }, 1));
      expect(await store.flows.findByHandleHash(f.handleHash)).toEqual({ ...f, attempts: 1, version: 2 });
      const none = flow();
      await store.transaction((tx) => tx.flows.insert(none));
      expect((await store.flows.findByHandleHash(none.handleHash))?.lang).toBeUndefined();
    });

    it('keeps the risk decision of the start of a flow (migration 0025)', async () => {
      const risk = { score: 72, action: 'step_up' as const, reasons: [{ reason: 'new_device' as const, points: 30 }, { reason: 'ip_velocity' as const, points: 42, detail: { count: 31 } }] };
      const f = flow({ risk });
      await store.transaction((tx) => tx.flows.insert(f));
      expect((await store.flows.findByHandleHash(f.handleHash))?.risk).toEqual(risk);
      await store.transaction((tx) => tx.flows.update({ ...f, attempts: 1, version: 2 }, 1));
      expect(await store.flows.findByHandleHash(f.handleHash)).toEqual({ ...f, attempts: 1, version: 2 });
      const none = flow();
      await store.transaction((tx) => tx.flows.insert(none));
      expect((await store.flows.findByHandleHash(none.handleHash))?.risk).toBeUndefined();
    });

    it('updates only from the version that was read (optimistic locking)', async () => {
      const f = flow();
      await store.transaction((tx) => tx.flows.insert(f));
      const next = { ...f, attempts: 1, version: 2 };
      expect(await store.transaction((tx) => tx.flows.update(next, 1))).toBe(true);
      // A second writer that read version 1 loses.
      expect(await store.transaction((tx) => tx.flows.update({ ...f, attempts: 5, version: 2 }, 1))).toBe(false);
      expect((await store.flows.findByHandleHash(f.handleHash))?.attempts).toBe(1);
    });

    it('lets exactly one of two concurrent updates of the same version win', async () => {
      const f = flow();
      await store.transaction((tx) => tx.flows.insert(f));
      const results = await Promise.all([
        store.transaction((tx) => tx.flows.update({ ...f, state: 'awaiting_password', version: 2 }, 1)),
        store.transaction((tx) => tx.flows.update({ ...f, attempts: 1, version: 2 }, 1)),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('supersedes the live flow of an account except the one named', async () => {
      const key = newId();
      const live = flow({ supersedeKey: key, state: 'awaiting_password' });
      const done = flow({ supersedeKey: key, state: 'completed' });
      await store.transaction(async (tx) => {
        for (const f of [live, done]) await tx.flows.insert(f);
      });
      expect(await store.transaction((tx) => tx.flows.supersedeActive('demo', key, new Date(), live.id))).toBe(0);
      expect((await store.flows.findByHandleHash(live.handleHash))?.state).toBe('awaiting_password');
      expect(await store.transaction((tx) => tx.flows.supersedeActive('demo', key, new Date()))).toBe(1);
      expect((await store.flows.findByHandleHash(live.handleHash))?.state).toBe('superseded');
      expect((await store.flows.findByHandleHash(done.handleHash))?.state).toBe('completed');
    });

    it('supersedes a flow at every live step, the unlock step included', async () => {
      for (const state of LIVE_STATES) {
        const f = flow({ state });
        await store.transaction((tx) => tx.flows.insert(f));
        expect(await store.transaction((tx) => tx.flows.supersedeActive('demo', f.supersedeKey, new Date()))).toBe(1);
        expect((await store.flows.findByHandleHash(f.handleHash))?.state).toBe('superseded');
      }
    });

    it('keeps one live flow per key: a second is refused as conflict (live_flow) until the first is superseded', async () => {
      const key = newId();
      const first = flow({ supersedeKey: key });
      const second = flow({ supersedeKey: key, state: 'awaiting_unlock' });
      await store.transaction((tx) => tx.flows.insert(first));
      await expect(store.transaction((tx) => tx.flows.insert(second))).rejects.toMatchObject({ code: 'conflict', details: { reason: 'live_flow' } });
      // Finished flows do not hold the key; superseding and inserting in one transaction does.
      await store.transaction(async (tx) => {
        await tx.flows.supersedeActive('demo', key, new Date());
        await tx.flows.insert(second);
      });
      expect((await store.flows.findByHandleHash(first.handleHash))?.state).toBe('superseded');
      expect((await store.flows.findByHandleHash(second.handleHash))?.state).toBe('awaiting_unlock');
    });

    it('rolls back everything in a transaction that throws', async () => {
      const f = flow();
      const before = await new SqlAuditReaderForTests(handle.db).count();
      await expect(
        store.transaction(async (tx) => {
          await tx.flows.insert(f);
          await tx.audit.append(entry());
          await tx.outbox.enqueue({ channel: 'email', template: 'reset_code', tenantId: 'demo', to: 'x@example.com', data: { code: '1' }, idempotencyKey: newId() });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.flows.findByHandleHash(f.handleHash)).toBeNull();
      expect(await new SqlAuditReaderForTests(handle.db).count()).toBe(before);
    });

    it('keeps every audit chain linear under concurrent appends, a transaction\'s entries together in one chain', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.transaction(async (tx) => {
            await tx.audit.append({ ...entry('reset.code_failed'), details: { i, part: 1 } });
            await tx.audit.append({ ...entry('reset.code_failed'), details: { i, part: 2 } });
          }),
        ),
      );
      const reader = new SqlAuditReaderForTests(handle.db);
      const { verdict, headsMatch } = await reader.verify();
      expect(verdict.ok).toBe(true);
      expect(headsMatch).toBe(true);
      expect(verdict.entries).toBeGreaterThanOrEqual(40);
      // Spread at random over 8 chains: 20 transactions all landing in one would be a 1 in 8^19 event.
      expect(verdict.ok && verdict.chains.size).toBeGreaterThan(1);
      const rows = (await reader.all()).filter((r) => r.event === 'reset.code_failed' && JSON.parse(r.details).part);
      for (let i = 0; i < 20; i += 1) {
        const [first, second] = rows.filter((r) => JSON.parse(r.details).i === i);
        expect(second!.chain).toBe(first!.chain);
        expect(second!.chainSeq).toBe(first!.chainSeq + 1);
        expect(second!.prevHash).toBe(first!.hash);
      }
    });

    it('chains the entries of one transaction in the order they were appended', async () => {
      await store.transaction(async (tx) => {
        for (const i of [1, 2, 3]) await tx.audit.append({ ...entry('reset.code_failed'), details: { order: i } });
      });
      const rows = (await new SqlAuditReaderForTests(handle.db).all()).filter((r) => r.event === 'reset.code_failed' && JSON.parse(r.details).order);
      expect(rows.map((r) => JSON.parse(r.details).order)).toEqual([1, 2, 3]);
      expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
      expect(rows[2]!.prevHash).toBe(rows[1]!.hash);
      expect(new Set(rows.map((r) => r.chain)).size).toBe(1);
      expect(rows.map((r) => r.seq)).toEqual([...rows.map((r) => r.seq)].sort((a, b) => a - b));
    });

    it('writes to the chain it is told to, and the chains stay verifiable whatever the choice', async () => {
      const pinned = new SqlStore(handle, sealer, clock, null, { pickChain: () => 5 });
      await pinned.transaction((tx) => tx.audit.append({ ...entry(), details: { pinned: 5 } }));
      await expect(new SqlStore(handle, sealer, clock, null, { pickChain: () => 64 }).transaction((tx) => tx.audit.append(entry()))).rejects.toThrow(RangeError);
      const rows = (await new SqlAuditReaderForTests(handle.db).all()).filter((r) => JSON.parse(r.details).pinned === 5);
      expect(rows.map((r) => r.chain)).toEqual([5]);
      const { verdict, headsMatch } = await new SqlAuditReaderForTests(handle.db).verify();
      expect(verdict.ok && headsMatch).toBe(true);
    });

    // SQLite has one writer at a time anyway; on PostgreSQL the head row is what every node's writes queue on.
    it.runIf(target.name === 'PostgreSQL')('locks the chain only at the end: another transaction appends and commits while one that appended still works', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let appended!: () => void;
      const hasAppended = new Promise<void>((resolve) => (appended = resolve));
      // Both on one chain: what is shown is that the lock is not taken at append time.
      const oneChain = new SqlStore(handle, sealer, clock, null, { pickChain: () => 3 });
      const slow = oneChain.transaction(async (tx) => {
        await tx.audit.append({ ...entry(), details: { who: 'slow' } });
        appended();
        await held;
      });
      await hasAppended;
      // Were the head locked at the slow transaction's append, this would wait for it (and the test time out).
      await oneChain.transaction((tx) => tx.audit.append({ ...entry(), details: { who: 'quick' } }));
      release();
      await slow;
      const rows = await new SqlAuditReaderForTests(handle.db).all();
      const order = rows.map((r) => JSON.parse(r.details).who).filter(Boolean);
      expect(order.slice(-2)).toEqual(['quick', 'slow']);
      const { verdict, headsMatch } = await new SqlAuditReaderForTests(handle.db).verify();
      expect(verdict.ok && headsMatch).toBe(true);
    });

    it.runIf(target.name === 'PostgreSQL')('lets two open transactions that appended to different chains both commit (no single lock)', async () => {
      let bothAppended!: () => void;
      const barrier = new Promise<void>((resolve) => (bothAppended = resolve));
      let count = 0;
      const appendAndWait = (chain: number) =>
        handle.db.transaction().execute(async (trx) => {
          await new SqlAuditAppender(trx, handle.dialect, clock, null, { pickChain: () => chain }).appendAll([{ ...entry(), details: { open: chain } }]);
          // Each holds its chain's head lock here until the other has appended too: with one shared lock the
          // second append would wait for the first commit, which waits for the second append (the test times out).
          count += 1;
          if (count === 2) bothAppended();
          await barrier;
        });
      await Promise.all([appendAndWait(6), appendAndWait(7)]);
      const rows = (await new SqlAuditReaderForTests(handle.db).all()).filter((r) => JSON.parse(r.details).open);
      expect(rows.map((r) => r.chain).sort()).toEqual([6, 7]);
      const { verdict, headsMatch } = await new SqlAuditReaderForTests(handle.db).verify();
      expect(verdict.ok && headsMatch).toBe(true);
    });

    /** A transaction that appended (its chain's head locked) and stays open until `release()`. */
    function holdChain(choice: { chains: number }, marker: string) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let appended!: () => void;
      const hasAppended = new Promise<void>((resolve) => (appended = resolve));
      const done = handle.db.transaction().execute(async (trx) => {
        await new SqlAuditAppender(trx, handle.dialect, clock, null, choice).appendAll([{ ...entry(), details: { marker } }]);
        appended();
        await held;
      });
      return { hasAppended, release, done };
    }

    const markedRows = async (marker: string) => (await new SqlAuditReaderForTests(handle.db).all()).filter((r) => String(JSON.parse(r.details).marker ?? '').startsWith(marker));

    it.runIf(target.name === 'PostgreSQL')('takes a chain nobody holds: while a slow transaction holds one of two chains, others append to the other without waiting', async () => {
      const run = newId();
      const slow = holdChain({ chains: 2 }, `${run}-slow`);
      await slow.hasAppended;
      // Each of these would pick the held chain half the time and wait for the slow transaction, which only
      // ends after them: the test would time out.
      const twoChains = new SqlStore(handle, sealer, clock, null, { chains: 2 });
      for (let i = 0; i < 8; i += 1) await twoChains.transaction((tx) => tx.audit.append({ ...entry(), details: { marker: `${run}-quick-${i}` } }));
      slow.release();
      await slow.done;
      const slowChain = (await markedRows(`${run}-slow`)).map((r) => r.chain);
      const quickChains = new Set((await markedRows(`${run}-quick`)).map((r) => r.chain));
      expect(slowChain).toHaveLength(1);
      expect([...quickChains]).toEqual([1 - slowChain[0]!]);
      const { verdict, headsMatch } = await new SqlAuditReaderForTests(handle.db).verify();
      expect(verdict.ok && headsMatch).toBe(true);
    });

    it.runIf(target.name === 'PostgreSQL')('waits for a chain when every chain is held, and goes on once one commits', async () => {
      const run = newId();
      const slow = holdChain({ chains: 1 }, `${run}-slow`);
      await slow.hasAppended;
      let quickDone = false;
      const quick = new SqlStore(handle, sealer, clock, null, { chains: 1 })
        .transaction((tx) => tx.audit.append({ ...entry(), details: { marker: `${run}-quick` } }))
        .then(() => (quickDone = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(quickDone).toBe(false);
      slow.release();
      await Promise.all([slow.done, quick]);
      const rows = await markedRows(run);
      expect(rows.map((r) => [JSON.parse(r.details).marker.slice(run.length + 1), r.chain])).toEqual([['slow', 0], ['quick', 0]]);
      const { verdict, headsMatch } = await new SqlAuditReaderForTests(handle.db).verify();
      expect(verdict.ok && headsMatch).toBe(true);
    });

    it('seals outbox payloads, dedupes by idempotency key and erases the payload once sent', async () => {
      const key = `reset_code:${newId()}`;
      const message = { channel: 'email' as const, template: 'reset_code' as const, tenantId: 'demo', to: 'alice@example.com', data: { code: '918273' }, idempotencyKey: key };
      await store.transaction(async (tx) => {
        await tx.outbox.enqueue(message);
        await tx.outbox.enqueue(message);
      });
      const rows = await handle.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', key).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.payload).not.toContain('918273');
      expect(rows[0]!.payload).not.toContain('alice@example.com');

      const claimed = (await queue.claim('w1', 100, 60_000)).filter((m) => m.idempotencyKey === key);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]!.data.code).toBe('918273');
      expect(claimed[0]!.to).toBe('alice@example.com');
      // Claimed rows are not handed to a second worker.
      expect((await queue.claim('w2', 100, 60_000)).filter((m) => m.idempotencyKey === key)).toHaveLength(0);
      await queue.settle([{ id: claimed[0]!.id, kind: 'sent', audit: entry('reset.code_sent') }]);
      const sent = await handle.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
      expect(sent.status).toBe('sent');
      expect(sent.payload).toBeNull();
    });

    it('settles a pass in one go: retry keeps the payload, dropped and dead erase it, audits go with them', async () => {
      const keys = ['r', 'd', 'x'].map((k) => `settle-${k}:${newId()}`);
      await store.transaction(async (tx) => {
        for (const key of keys) await tx.outbox.enqueue({ channel: 'email', template: 'reset_code', tenantId: 'demo', to: 'z@example.com', data: { code: '1' }, idempotencyKey: key });
      });
      const mine = (await queue.claim('settler', 500, 60_000)).filter((m) => keys.includes(m.idempotencyKey));
      const id = (k: number) => mine.find((m) => m.idempotencyKey === keys[k])!.id;
      const auditBefore = await new SqlAuditReaderForTests(handle.db).count();
      await queue.settle([
        { id: id(0), kind: 'retry', attempts: 1, nextAttemptAt: Date.now() + 60_000, reason: 'smtp_4xx' },
        { id: id(1), kind: 'dropped' },
        { id: id(2), kind: 'dead', reason: 'smtp_5xx', audit: entry('reset.code_send_failed') },
      ]);
      const rows = await handle.db.selectFrom('outbox').selectAll().where('idempotency_key', 'in', keys).execute();
      const byKey = (k: number) => rows.find((r) => r.idempotency_key === keys[k])!;
      expect(byKey(0)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'smtp_4xx', claimed_until: null });
      expect(byKey(0).payload).not.toBeNull();
      expect(byKey(1)).toMatchObject({ status: 'dropped', payload: null });
      expect(byKey(2)).toMatchObject({ status: 'dead', payload: null, last_error: 'smtp_5xx' });
      expect(await new SqlAuditReaderForTests(handle.db).count()).toBe(auditBefore + 1);
    });

    it('hands disjoint batches to concurrent workers', async () => {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 30; i += 1) {
          await tx.outbox.enqueue({ channel: 'email', template: 'password_changed', tenantId: 'demo', to: `u${i}@example.com`, data: {}, idempotencyKey: `batch:${newId()}` });
        }
      });
      const [a, b, c] = await Promise.all([queue.claim('a', 15, 60_000), queue.claim('b', 15, 60_000), queue.claim('c', 15, 60_000)]);
      const ids = [...a!, ...b!, ...c!].map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(30);
    });

    it('finds users by username or email, and treats a shared email as no match', async () => {
      const users = new SqlUserRepository(handle.db);
      const tenant = `t-${randomBytes(3).toString('hex')}`;
      await users.insert({ tenantId: tenant, username: 'Dora', email: 'Dora@Example.com' }, new Date());
      await users.insert({ tenantId: tenant, username: 'eve', email: 'shared@example.com' }, new Date());
      await users.insert({ tenantId: tenant, username: 'finn', email: 'shared@example.com' }, new Date());
      const directory = new SqlDirectory(handle.db, new Argon2Hasher(), clock);
      expect((await directory.findByIdentifier(tenant, 'dora'))?.username).toBe('Dora');
      expect((await directory.findByIdentifier(tenant, 'dora@example.com'))?.username).toBe('Dora');
      expect(await directory.findByIdentifier(tenant, 'shared@example.com')).toBeNull();
      expect((await directory.findByIdentifier(tenant, 'eve'))?.username).toBe('eve');
      expect(await directory.findByIdentifier('other-tenant', 'dora')).toBeNull();
      await expect(sql`select 1`.execute(handle.db)).resolves.toBeDefined();
    });
  });
}
