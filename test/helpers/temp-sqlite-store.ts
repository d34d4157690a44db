import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import type { Clock } from '../../src/core/ports/clock.js';

/** A migrated SQLite database in a temp directory with the real store on it; `close` removes it all. */
export async function openTempSqliteStore(clock: Clock): Promise<{ handle: DatabaseHandle; store: SqlStore; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-store-'));
  const handle = openDatabase(`sqlite:${join(dir, 'test.db')}`);
  await migrateToLatest(handle.db);
  const sealer = new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal');
  return {
    handle,
    store: new SqlStore(handle, sealer, clock),
    close: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
