import type { Kysely, Selectable } from 'kysely';
import type { StoredAuditEntry } from '../../core/audit/audit-hash.js';
import type { AuditLogTable, Database } from './schema.js';

/** The `audit_head` row: the sequence number and hash of the last entry appended. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Reads the audit hash chain for verification: the head row, and the entries in `seq` order, page by page. */
export class SqlAuditReader {
  constructor(private readonly db: Kysely<Database>) {}

  /** The head row, or null when it is missing (which is itself a broken chain). */
  async head(): Promise<AuditHead | null> {
    const row = await this.db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : null;
  }

  /**
   * Every entry in ascending `seq`, fetched `pageSize` rows at a time by keyset (`seq > last`), so memory
   * stays flat however long the log is and rows appended meanwhile are still reached.
   */
  async *entries(options: { pageSize?: number } = {}): AsyncGenerator<StoredAuditEntry> {
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    let after = Number.NEGATIVE_INFINITY;
    for (;;) {
      let query = this.db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').limit(pageSize);
      if (after !== Number.NEGATIVE_INFINITY) query = query.where('seq', '>', after);
      const rows = await query.execute();
      for (const row of rows) yield entryOf(row);
      if (rows.length < pageSize) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}

function entryOf(row: Selectable<AuditLogTable>): StoredAuditEntry {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: Number(row.at),
    tenantId: row.tenant_id,
    event: row.event,
    outcome: row.outcome,
    actor: row.actor,
    subjectId: row.subject_id,
    flowId: row.flow_id,
    ip: row.ip,
    userAgent: row.user_agent,
    correlationId: row.correlation_id,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
