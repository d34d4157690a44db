import { sql } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import type { Clock } from '../../core/ports/clock.js';
import type { Store, StoreTx } from '../../core/ports/store.js';
import { SqlAuditAppender, type AuditExport } from './audit-appender.js';
import type { DatabaseHandle } from './database.js';
import { SqlFlowRepository } from './flow-repository.js';
import { SqlOutboxWriter } from './outbox-repository.js';

/** The Store port over Kysely: SQLite or PostgreSQL, the same code. */
export class SqlStore implements Store {
  readonly flows: SqlFlowRepository;

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly auditExport: AuditExport | null = null,
  ) {
    this.flows = new SqlFlowRepository(handle.db);
  }

  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.handle.db.transaction().execute((trx) =>
      work({
        flows: new SqlFlowRepository(trx),
        audit: new SqlAuditAppender(trx, this.handle.dialect, this.clock, this.auditExport),
        outbox: new SqlOutboxWriter(trx, this.sealer, this.clock),
        native: trx,
      }),
    );
  }

  /** True when the database answers a trivial query. */
  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.handle.db);
      return true;
    } catch {
      return false;
    }
  }
}
