import { randomBytes } from 'node:crypto';
import { openDatabase, type DatabaseHandle } from '../../src/adapters/store/database.js';
import { migrateToLatest } from '../../src/adapters/store/migrate.js';
import { SqlStore } from '../../src/adapters/store/sql-store.js';
import { KeyRing } from '../../src/core/crypto/key-ring.js';
import { Sealer } from '../../src/core/crypto/sealer.js';
import type { AuditEntryInput } from '../../src/core/ports/audit.js';
import type { Clock } from '../../src/core/ports/clock.js';

/** Where a contract suite gets a fresh, empty database. */
export interface AuditTarget {
  name: string;
  open(): Promise<{ url: string; cleanup: () => Promise<void> }>;
}

/** A clock the seed sets to each entry's time. */
export class SetClock implements Clock {
  constructor(public ms: number) {}
  now(): Date {
    return new Date(this.ms);
  }
}

/** A migrated database with the real store on it, whose appends are stamped with `clock`. */
export interface SeedDb {
  handle: DatabaseHandle;
  store: SqlStore;
  clock: SetClock;
  /** Appends the entries in one transaction of the real store, stamped `at` (all the same instant). */
  append(at: number, ...entries: AuditEntryInput[]): Promise<void>;
  close(): Promise<void>;
}

export async function openSeedDb(target: AuditTarget): Promise<SeedDb> {
  const opened = await target.open();
  const handle = openDatabase(opened.url);
  await migrateToLatest(handle.db);
  const clock = new SetClock(0);
  const store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), clock);
  return {
    handle,
    store,
    clock,
    async append(at, ...entries) {
      clock.ms = at;
      await store.transaction(async (tx) => {
        for (const entry of entries) await tx.audit.append(entry);
      });
    },
    async close() {
      await handle.close();
      await opened.cleanup();
    },
  };
}

/** An entry with the usual defaults: a person's own action in tenant `acme`. */
export function auditEntry(event: AuditEntryInput['event'], overrides: Partial<AuditEntryInput> = {}): AuditEntryInput {
  return { event, outcome: 'success', tenantId: 'acme', actor: 'self', subjectId: null, flowId: null, ip: null, userAgent: null, correlationId: null, details: {}, ...overrides };
}
