import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { rotateSealedData } from '../../src/adapters/store/key-rotation.js';
import { SqlMethodRepository } from '../../src/adapters/store/method-repository.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import type { Database } from '../../src/adapters/store/schema.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';

const k1 = { id: 'k1', secret: randomBytes(32) };
const k2 = { id: 'k2', secret: randomBytes(32) };
const oldRing = new KeyRing([k1]);
const newRing = new KeyRing([k2, k1]);
const onlyNew = new KeyRing([k2]);
const now = new Date();

/**
 * The rotation's batch mechanics on both databases: a crash between batches loses nothing and a rerun goes
 * on; a value rewritten between the batch's read and its write keeps the newer write.
 */
describe.each(['sqlite', 'postgres'] as const)('re-sealing in batches (%s)', (kind) => {
  let handle: DatabaseHandle | null = null;
  let cleanup: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await handle?.close();
    handle = null;
    await cleanup();
  });

  async function openWithSeeds(count: number): Promise<DatabaseHandle | null> {
    if (kind === 'postgres') {
      if (!shouldRun('PostgreSQL', await postgresAvailable())) return null;
      const pg = await createTempPostgresDatabase();
      handle = openDatabase(pg.url);
      cleanup = pg.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'unlatch-rotate-'));
      handle = openDatabase(`sqlite:${join(dir, 'test.db')}`);
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    await migrateToLatest(handle.db);
    const methods = new SqlMethodRepository(handle.db, new Sealer(oldRing, 'totp-seal'));
    for (let i = 0; i < count; i++) {
      await methods.add({ id: `m${i}`, tenantId: 'demo', subjectId: `s${i}`, kind: 'totp', name: 'App', secret: `SEED${i}`, data: {}, confirmed: true }, now);
    }
    return handle;
  }

  /** The db, with `before(n)` run ahead of the n-th batch transaction (1-based). */
  function withHook(db: Kysely<Database>, before: (n: number) => Promise<void>): Kysely<Database> {
    let n = 0;
    return new Proxy(db, {
      get(target, property) {
        if (property !== 'transaction') {
          // Bound to the real instance: Kysely keeps its state in private fields a proxy cannot reach.
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return () => {
          const builder = target.transaction();
          return { execute: async <T>(work: Parameters<typeof builder.execute<T>>[0]) => { await before(++n); return builder.execute(work); } };
        };
      },
    });
  }

  const seedsUnder = async (db: Kysely<Database>, ring: KeyRing) => {
    const methods = new SqlMethodRepository(db, new Sealer(ring, 'totp-seal'));
    return Promise.all(['m0', 'm1', 'm2', 'm3', 'm4'].map((id) => methods.readSecret('demo', id).catch(() => 'unreadable')));
  };

  it('a crash after two batches keeps them; a rerun re-seals only the rest, and k1 is no longer needed', async (ctx) => {
    const h = await openWithSeeds(5);
    if (!h) return ctx.skip();
    const crashing = withHook(h.db, async (n) => {
      if (n === 3) throw new Error('node stopped');
    });
    await expect(rotateSealedData({ db: crashing, keys: newRing, batchSize: 2 })).rejects.toThrow('node stopped');
    expect(await seedsUnder(h.db, onlyNew)).toEqual(['SEED0', 'SEED1', 'SEED2', 'SEED3', 'unreadable']);

    const seen: string[] = [];
    const rerun = await rotateSealedData({ db: h.db, keys: newRing, batchSize: 2, onProgress: (p) => seen.push(`${p.label}: ${p.resealed}/${p.total}`) });
    expect(seen).toEqual(['authenticator seeds: 1/1']);
    expect(rerun.complete).toBe(true);
    expect(await seedsUnder(h.db, onlyNew)).toEqual(['SEED0', 'SEED1', 'SEED2', 'SEED3', 'SEED4']);
  });

  it('never overwrites a value written between the read of a batch and its write', async (ctx) => {
    const h = await openWithSeeds(3);
    if (!h) return ctx.skip();
    const racing = withHook(h.db, async (n) => {
      // Someone re-registers m1's app meanwhile (under the newest key, as the app does).
      if (n === 1) await h.db.updateTable('methods').set({ secret: new Sealer(newRing, 'totp-seal').seal('NEWSEED') }).where('id', '=', 'm1').execute();
    });
    const result = await rotateSealedData({ db: racing, keys: newRing, batchSize: 10 });
    expect(result.targets[0]).toEqual({ label: 'authenticator seeds', total: 3, resealed: 2, unreadable: 0, changed: 1 });
    expect((await seedsUnder(h.db, onlyNew)).slice(0, 3)).toEqual(['SEED0', 'NEWSEED', 'SEED2']);
  });

  it('stops after the batch budget and says it is not complete', async (ctx) => {
    const h = await openWithSeeds(5);
    if (!h) return ctx.skip();
    const partial = await rotateSealedData({ db: h.db, keys: newRing, batchSize: 2, maxBatches: 1 });
    expect(partial.complete).toBe(false);
    expect(partial.targets[0]).toMatchObject({ total: 5, resealed: 2 });
    expect((await rotateSealedData({ db: h.db, keys: newRing, batchSize: 2 })).targets[0]).toMatchObject({ total: 3, resealed: 3 });
  });
});
