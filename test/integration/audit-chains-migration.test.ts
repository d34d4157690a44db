import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { SqlAuditReader } from '../../src/adapters/store/audit-reader.js';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { verifyAuditLog } from '../../src/core/audit/audit-log-verification.js';
import { GENESIS_HASH, canonicalJson, legacyAuditEntryHash } from '../../src/core/audit/audit-hash.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { TestClock } from '../helpers/test-clock.js';

/** Migration 0011 on a log written with one chain: the old entries keep their hashes and verify, new ones spread out. */
describe.each(['sqlite', 'postgres'] as const)('audit chains migration (%s)', (kind) => {
  let handle: DatabaseHandle;
  let cleanup: () => Promise<void> | void = () => {};
  let enabled = true;
  const clock = new TestClock();

  beforeAll(async () => {
    if (kind === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
      const db = await createTempPostgresDatabase();
      handle = openDatabase(db.url);
      cleanup = db.drop;
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'unlatch-chains-'));
      handle = openDatabase(`sqlite:${join(dir, 'unlatch.db')}`);
      cleanup = () => rmSync(dir, { recursive: true, force: true });
    }
  });
  afterAll(async () => {
    await handle?.close();
    await cleanup();
  });

  const verify = () => {
    const reader = new SqlAuditReader(handle.db);
    return verifyAuditLog({ heads: () => reader.heads(), entries: () => reader.entries({ pageSize: 2 }) });
  };

  it('keeps old entries verifiable as chain 0, continues seq after them, and spreads new entries over chains', async (ctx) => {
    if (!enabled) return ctx.skip();
    const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS } });
    expect((await migrator.migrateTo('0010-one-live-flow')).error).toBeUndefined();

    // Three entries as the single-chain appender wrote them (old formula, head row id 1).
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq += 1) {
      const fields = {
        seq, chain: 0, chainSeq: seq, id: `old-${seq}`, at: 1_700_000_000_000 + seq, tenantId: 'demo', event: 'user.created', outcome: 'success',
        actor: 'cli', subjectId: null, flowId: null, ip: null, userAgent: null, correlationId: null, details: canonicalJson({ n: seq }),
      };
      const hash = legacyAuditEntryHash(prev, fields);
      await handle.db.insertInto('audit_log' as never).values({
        seq, id: fields.id, at: fields.at, tenant_id: 'demo', event: fields.event, outcome: 'success', actor: 'cli', subject_id: null, flow_id: null,
        ip: null, user_agent: null, correlation_id: null, details: fields.details, prev_hash: prev, hash,
      } as never).execute();
      prev = hash;
    }
    await handle.db.updateTable('audit_head' as never).set({ seq: 3, hash: prev } as never).where('id' as never, '=', 1 as never).execute();

    expect(await migrateToLatest(handle.db)).toContain('0011-audit-chains');
    expect(await verify()).toMatchObject({ ok: true, entries: 3, chains: 1 });

    // New entries: chain 0 continues after the old ones, other chains start from genesis.
    const sealer = new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal');
    const store = new SqlStore(handle, sealer, clock, null, { chains: 4 });
    const entry = { event: 'user.created' as const, outcome: 'success' as const, tenantId: 'demo', actor: 'cli' };
    await new SqlStore(handle, sealer, clock, null, { pickChain: () => 0 }).transaction((tx) => tx.audit.append(entry));
    for (let i = 0; i < 12; i += 1) await store.transaction((tx) => tx.audit.append({ ...entry, details: { i } }));
    const result = await verify();
    expect(result).toMatchObject({ ok: true, entries: 16 });
    expect(result.ok && result.chains).toBeGreaterThan(1);

    const rows = await handle.db.selectFrom('audit_log').select(['seq', 'chain', 'chain_seq', 'prev_hash']).orderBy('seq').execute();
    expect(rows.slice(0, 4).map((r) => [Number(r.seq), Number(r.chain), Number(r.chain_seq)])).toEqual([[1, 0, 1], [2, 0, 2], [3, 0, 3], [4, 0, 4]]);
    expect(rows[3]!.prev_hash).toBe(prev);
    expect(rows.every((r) => Number(r.chain) < 4)).toBe(true);
    expect(new Set(rows.map((r) => Number(r.seq))).size).toBe(rows.length);
  });
});
