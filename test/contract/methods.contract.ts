import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { newId } from '../../src/core/crypto/secrets.js';
import type { MethodRepository } from '../../src/core/ports/methods.js';
import type { StoreTarget } from './store.contract.js';

/** The MethodRepository port's contract: every store adapter must pass it. */
export function methodsContract(target: StoreTarget, available: () => boolean): void {
  describe.runIf(available())(`MethodRepository contract on ${target.name}`, () => {
    let handle: DatabaseHandle;
    let methods: MethodRepository;
    let cleanup: () => Promise<void>;
    const oldKey = { id: 'k1', secret: randomBytes(32) };
    const now = new Date('2026-11-21T12:00:00Z');
    const subject = () => newId();

    beforeAll(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      handle = openDatabase(opened.url);
      await migrateToLatest(handle.db);
      methods = new SqlMethodRepository(handle.db, new Sealer(new KeyRing([oldKey]), 'totp-seal'));
    });
    afterAll(async () => {
      await handle?.close();
      await cleanup?.();
    });

    it('stores a method with its secret sealed, and never returns the secret with the method', async () => {
      const subjectId = subject();
      const id = await methods.add({ tenantId: 'demo', subjectId, kind: 'totp', name: 'Phone', secret: 'JBSWY3DPEHPK3PXP', data: { digits: 6 } }, now);
      const stored = await handle.db.selectFrom('methods').select('secret').where('id', '=', id).executeTakeFirstOrThrow();
      expect(stored.secret).not.toContain('JBSWY3DPEHPK3PXP');
      expect(await methods.readSecret('demo', id)).toBe('JBSWY3DPEHPK3PXP');
      const [listed] = await methods.listForSubject('demo', subjectId);
      expect(listed).toMatchObject({ id, kind: 'totp', name: 'Phone', confirmed: false, data: { digits: 6 }, lastUsedStep: null, usedAt: null });
      expect(JSON.stringify(listed)).not.toContain('JBSWY3DPEHPK3PXP');
      // Another tenant sees nothing.
      expect(await methods.get('other', id)).toBeNull();
      expect(await methods.readSecret('other', id)).toBeNull();
    });

    it('opens secrets sealed under a key that has since been rotated out of first place', async () => {
      const subjectId = subject();
      const id = await methods.add({ tenantId: 'demo', subjectId, kind: 'totp', name: 'Old', secret: 'OLDSECRET' }, now);
      const rotated = new SqlMethodRepository(handle.db, new Sealer(new KeyRing([{ id: 'k2', secret: randomBytes(32) }, oldKey]), 'totp-seal'));
      expect(await rotated.readSecret('demo', id)).toBe('OLDSECRET');
    });

    it('confirms a pending method', async () => {
      const id = await methods.add({ tenantId: 'demo', subjectId: subject(), kind: 'totp', name: 'Phone', secret: 'S' }, now);
      expect(await methods.confirm('demo', id, now)).toBe(true);
      expect((await methods.get('demo', id))?.confirmed).toBe(true);
    });

    it('accepts each TOTP step once and only moving forward, also under concurrency', async () => {
      const id = await methods.add({ tenantId: 'demo', subjectId: subject(), kind: 'totp', name: 'Phone', secret: 'S', confirmed: true }, now);
      expect(await methods.recordTotpStep('demo', id, 100, now)).toBe(true);
      expect(await methods.recordTotpStep('demo', id, 100, now)).toBe(false);
      expect(await methods.recordTotpStep('demo', id, 99, now)).toBe(false);
      const results = await Promise.all(Array.from({ length: 5 }, () => methods.recordTotpStep('demo', id, 101, now)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await methods.get('demo', id))?.lastUsedStep).toBe(101);
    });

    it('spends a single-use credential exactly once, also under concurrency', async () => {
      const subjectId = subject();
      const [first] = await methods.replaceBackupCodes('demo', subjectId, [{ keyId: 'k1', digest: 'aa' }, { keyId: 'k1', digest: 'bb' }], now);
      const results = await Promise.all(Array.from({ length: 5 }, () => methods.markUsed('demo', first!, now)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await methods.get('demo', first!))?.usedAt?.getTime()).toBe(now.getTime());
    });

    it('replaces the whole backup-code set, used codes included, and leaves other methods alone', async () => {
      const subjectId = subject();
      const totp = await methods.add({ tenantId: 'demo', subjectId, kind: 'totp', name: 'Phone', secret: 'S' }, now);
      const oldSet = await methods.replaceBackupCodes('demo', subjectId, Array.from({ length: 10 }, (_, i) => ({ keyId: 'k1', digest: `old${i}` })), now);
      await methods.markUsed('demo', oldSet[0]!, now);
      const newSet = await methods.replaceBackupCodes('demo', subjectId, Array.from({ length: 10 }, (_, i) => ({ keyId: 'k1', digest: `new${i}` })), now);
      const listed = await methods.listForSubject('demo', subjectId);
      const codes = listed.filter((m) => m.kind === 'backup_code');
      expect(codes.map((c) => c.id).sort()).toEqual([...newSet].sort());
      expect(codes.every((c) => c.usedAt === null && String(c.data.digest).startsWith('new'))).toBe(true);
      expect(listed.some((m) => m.id === totp)).toBe(true);
    });

    it('renames a method of the right tenant only, leaving everything else as it was', async () => {
      const subjectId = subject();
      const id = await methods.add({ tenantId: 'demo', subjectId, kind: 'totp', name: 'Phone', secret: 'SEED', data: { digits: 6 }, confirmed: true }, now);
      expect(await methods.recordTotpStep('demo', id, 42, now)).toBe(true);
      const before = await methods.get('demo', id);
      expect(await methods.rename('other', id, 'Stolen')).toBe(false);
      expect((await methods.get('demo', id))?.name).toBe('Phone');
      expect(await methods.rename('demo', id, 'Work phone “Pixel” 📱')).toBe(true);
      const after = await methods.get('demo', id);
      expect(after).toEqual({ ...before, name: 'Work phone “Pixel” 📱' });
      expect(await methods.readSecret('demo', id)).toBe('SEED');
      expect(await methods.rename('demo', newId(), 'Nothing')).toBe(false);
    });

    it('touches a method: only lastUsedAt moves, nothing is spent', async () => {
      const subjectId = subject();
      const id = await methods.add({ tenantId: 'demo', subjectId, kind: 'totp', name: 'Phone', secret: 'S', confirmed: true }, now);
      expect(await methods.recordTotpStep('demo', id, 7, now)).toBe(true);
      const [code] = await methods.replaceBackupCodes('demo', subjectId, [{ keyId: 'k1', digest: 'cc' }], now);
      const later = new Date(now.getTime() + 60_000);
      expect(await methods.touch('other', id, later)).toBe(false);
      expect((await methods.get('demo', id))?.lastUsedAt?.getTime()).toBe(now.getTime());
      expect(await methods.touch('demo', id, later)).toBe(true);
      expect(await methods.get('demo', id)).toMatchObject({ lastUsedAt: later, lastUsedStep: 7, confirmed: true, usedAt: null });
      // A touched backup code is not spent.
      expect(await methods.touch('demo', code!, later)).toBe(true);
      expect(await methods.get('demo', code!)).toMatchObject({ lastUsedAt: later, usedAt: null });
      expect(await methods.markUsed('demo', code!, later)).toBe(true);
      expect(await methods.touch('demo', newId(), later)).toBe(false);
    });

    it('removes a method of the right tenant only', async () => {
      const id = await methods.add({ tenantId: 'demo', subjectId: subject(), kind: 'totp', name: 'Phone', secret: 'S' }, now);
      expect(await methods.remove('other', id)).toBe(false);
      expect(await methods.remove('demo', id)).toBe(true);
      expect(await methods.get('demo', id)).toBeNull();
    });
  });
}
