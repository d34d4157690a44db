import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAccessPassRepository } from '../../src/adapters/store/access-pass-repository.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { newId } from '../../src/core/crypto/secrets.js';
import { hashAccessPass, newAccessPass } from '../../src/core/methods/access_pass/access-pass-code.js';
import type { AccessPassRecord } from '../../src/core/ports/access-passes.js';
import type { StoreTarget } from './store.contract.js';

/** The AccessPassRepository port's contract: every store adapter must pass it. */
export function accessPassesContract(target: StoreTarget, available: () => boolean): void {
  describe.runIf(available())(`AccessPassRepository contract on ${target.name}`, () => {
    let handle: DatabaseHandle;
    let store: SqlStore;
    let passes: SqlAccessPassRepository;
    let cleanup: () => Promise<void>;
    const now = new Date('2026-12-07T10:00:00Z');
    const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

    const record = (subjectId: string, overrides: Partial<AccessPassRecord> = {}): AccessPassRecord => ({
      id: newId(),
      tenantId: 'demo',
      subjectId,
      createdBy: 'agent-1',
      createdAt: now,
      expiresAt: later(60),
      usesLeft: 1,
      usedAt: null,
      revokedAt: null,
      ...overrides,
    });
    const issue = async (rec: AccessPassRecord) => {
      const pass = newAccessPass();
      await store.transaction((tx) => passes.insert(tx, rec, hashAccessPass(pass)));
      return pass;
    };

    beforeAll(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      handle = openDatabase(opened.url);
      await migrateToLatest(handle.db);
      store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), { now: () => new Date() });
      passes = new SqlAccessPassRepository(handle.db);
    });
    afterAll(async () => {
      await handle?.close();
      await cleanup?.();
    });

    it('stores only the hash, spends a single-use pass once, and says why later tries fail', async () => {
      const subjectId = newId();
      const pass = await issue(record(subjectId));
      const rows = await handle.db.selectFrom('access_passes').selectAll().where('subject_id', '=', subjectId).execute();
      expect(rows).toHaveLength(1);
      const raw = pass.replaceAll('-', '');
      expect(JSON.stringify(rows)).not.toContain(raw);
      expect(rows[0]?.pass_hash).toBe(hashAccessPass(raw.toLowerCase()));

      // Typed the way a caller might: lower case, spaces instead of dashes.
      const typed = pass.toLowerCase().replaceAll('-', ' ');
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(typed), later(1))).toBe('ok');
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(pass), later(2))).toBe('used');
      expect(await passes.listLive('demo', subjectId, later(2))).toEqual([]);
    });

    it('refuses a wrong pass, another person, another tenant, and an expired pass', async () => {
      const subjectId = newId();
      const pass = await issue(record(subjectId, { usesLeft: 2 }));
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(newAccessPass()), later(1))).toBe('wrong');
      expect(await passes.spend(null, 'demo', newId(), hashAccessPass(pass), later(1))).toBe('wrong');
      expect(await passes.spend(null, 'other', subjectId, hashAccessPass(pass), later(1))).toBe('wrong');
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(pass), later(60))).toBe('expired');
      // Still unused: a use at a valid time works, twice (two uses), inside a transaction too.
      expect(await store.transaction((tx) => passes.spend(tx, 'demo', subjectId, hashAccessPass(pass), later(5)))).toBe('ok');
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(pass), later(6))).toBe('ok');
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(pass), later(7))).toBe('used');
    });

    it('lets only one of two concurrent spends of a single-use pass through', async () => {
      const subjectId = newId();
      const pass = await issue(record(subjectId));
      const results = await Promise.all([1, 2, 3].map(() => passes.spend(null, 'demo', subjectId, hashAccessPass(pass), later(1))));
      expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    });

    it('a new pass revokes the earlier live one; revoke ends a pass early', async () => {
      const subjectId = newId();
      const first = await issue(record(subjectId));
      const secondRecord = record(subjectId, { createdAt: later(1), expiresAt: later(61) });
      const second = await issue(secondRecord);
      const live = await passes.listLive('demo', subjectId, later(2));
      expect(live.map((p) => p.id)).toEqual([secondRecord.id]);
      expect(live[0]).toMatchObject({ createdBy: 'agent-1', usesLeft: 1, usedAt: null, revokedAt: null });
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(first), later(2))).toBe('expired');

      expect(await store.transaction((tx) => passes.revoke(tx, 'other', secondRecord.id, later(3)))).toBe(false);
      expect(await store.transaction((tx) => passes.revoke(tx, 'demo', secondRecord.id, later(3)))).toBe(true);
      expect(await store.transaction((tx) => passes.revoke(tx, 'demo', secondRecord.id, later(3)))).toBe(false);
      expect(await passes.listLive('demo', subjectId, later(4))).toEqual([]);
      expect(await passes.spend(null, 'demo', subjectId, hashAccessPass(second), later(4))).toBe('expired');
    });
  });
}
