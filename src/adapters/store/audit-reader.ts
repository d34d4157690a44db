import type { Kysely, Selectable } from 'kysely';
import type { StoredAuditEntry } from '../../core/audit/audit-hash.js';
import type { AuditLogTable, Database } from './schema.js';

/** An `audit_head` row: the position (`chain_seq`) and hash of the last entry appended to a chain. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** Reads the audit hash chains for verification: the head rows, and the entries chain by chain, page by page. */
export class SqlAuditReader {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every chain's head row, by chain number (empty when the rows are missing, which is itself a broken log). */
  async heads(): Promise<Map<number, AuditHead>> {
    const rows = await this.db.selectFrom('audit_head').select(['id', 'seq', 'hash']).orderBy('id').execute();
    return new Map(rows.map((row) => [Number(row.id), { seq: Number(row.seq), hash: row.hash }]));
  }

  /**
   * Every entry ordered by chain, then position in it, fetched `pageSize` rows at a time by keyset
   * (`(chain, chain_seq) > last`), so memory stays flat however long the log is and rows appended meanwhile are
   * still reached.
   */
  async *entries(options: { pageSize?: number } = {}): AsyncGenerator<StoredAuditEntry> {
    const pageSize = options.pageSize ?? 1000;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    let after: { chain: number; chainSeq: number } | null = null;
    for (;;) {
      let query = this.db.selectFrom('audit_log').selectAll().orderBy('chain', 'asc').orderBy('chain_seq', 'asc').limit(pageSize);
      if (after) {
        const { chain, chainSeq } = after;
        query = query.where((eb) => eb.or([eb('chain', '>', chain), eb.and([eb('chain', '=', chain), eb('chain_seq', '>', chainSeq)])]));
      }
      const rows = await query.execute();
      for (const row of rows) yield entryOf(row);
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1]!;
      after = { chain: Number(last.chain), chainSeq: Number(last.chain_seq) };
    }
  }
}

/** A stored row as the hash sees it. */
export function entryOf(row: Selectable<AuditLogTable>): StoredAuditEntry {
  return {
    seq: Number(row.seq),
    chain: Number(row.chain),
    chainSeq: Number(row.chain_seq),
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
