import { sql } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import type { Clock } from '../../core/ports/clock.js';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Store, StoreTx } from '../../core/ports/store.js';
import { SqlAuditAppender, type AuditChainChoice, type AuditExport } from './audit-appender.js';
import type { DatabaseHandle } from './database.js';
import { SqlFlowRepository } from './flow-repository.js';
import { SqlAccountLocks } from './account-locks.js';
import { SqlOutboxWriter } from './outbox-writer.js';
import { reportLinkFor } from '../../core/fraud/report-link.js';
import { insertReportLink } from './fraud-store.js';

/** The Store port over Kysely: SQLite or PostgreSQL, the same code. */
export class SqlStore implements Store {
  readonly flows: SqlFlowRepository;
  readonly locks: SqlAccountLocks;
  private readonly outboxListeners: Array<() => void> = [];
  private readonly auditListeners: Array<(entries: readonly AuditEntryInput[]) => void> = [];

  constructor(
    private readonly handle: DatabaseHandle,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly auditExport: AuditExport | null = null,
    /** How many audit chains a transaction's entries are spread over (`audit.chains`). */
    private readonly auditChains: AuditChainChoice = {},
  ) {
    this.flows = new SqlFlowRepository(handle.db);
    this.locks = new SqlAccountLocks(handle.db);
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    let enqueued = false;
    const appended: AuditEntryInput[] = [];
    const result = await this.handle.db.transaction().execute(async (trx) => {
      const outbox = new SqlOutboxWriter(trx, this.sealer, this.clock);
      const value = await work({
        flows: new SqlFlowRepository(trx),
        audit: {
          // Collected, and chained at the end: see below.
          append: async (entry) => {
            appended.push(entry);
          },
        },
        outbox: {
          enqueue: async (message) => {
            enqueued = true;
            // Every notice about an account gets its "this wasn't me" link here, once for all of them, and
            // the link's hash commits with the notice (core decides which notices: `reportLinkFor`).
            const linked = reportLinkFor(message, this.clock.now());
            if (linked) await insertReportLink(trx, linked.link);
            return outbox.enqueue(linked?.message ?? message);
          },
        },
        native: trx,
      });
      // The chain's head row is locked from the first append to the commit, and every node's every audited
      // write waits for it: append the transaction's entries together, after its other work, so the lock
      // lasts one insert, one update and the commit instead of the whole transaction (a directory write too).
      // The appender picks one of several chains, so concurrent transactions mostly lock different heads.
      await new SqlAuditAppender(trx, this.handle.dialect, this.clock, this.auditExport, this.auditChains).appendAll(appended);
      return value;
    });
    // Only after the commit: a worker woken earlier would not see the rows yet.
    if (enqueued || this.auditExport) for (const listener of this.outboxListeners) listener();
    if (appended.length > 0) for (const listener of this.auditListeners) listener(appended);
    return result;
  }

  /** Called with the audit entries of every committed transaction (metrics count what really happened). Must not throw. */
  onAuditCommit(listener: (entries: readonly AuditEntryInput[]) => void): void {
    this.auditListeners.push(listener);
  }

  /** Called after every transaction that queued a message, so an in-process worker sends it now, not at its next poll. */
  onOutboxCommit(listener: () => void): void {
    this.outboxListeners.push(listener);
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
