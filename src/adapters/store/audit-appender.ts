import type { Transaction } from 'kysely';
import { auditEntryHash, canonicalJson } from '../../core/audit/audit-hash.js';
import { newId } from '../../core/crypto/secrets.js';
import type { AuditAppender, AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';
import type { Sealer } from '../../core/crypto/sealer.js';
import { SqlOutboxWriter } from './outbox-repository.js';

/** Queues each new entry for the audit export, in the entry's own transaction (nothing logged is lost on the way). */
export interface AuditExport {
  sealer: Sealer;
}

/**
 * Appends to the hash chain inside a transaction; the head row lock keeps concurrent appends in one line.
 * The lock is held from the first append to the commit, so callers append as late as they can (SqlStore
 * appends a transaction's entries together, just before its commit).
 */
export class SqlAuditAppender implements AuditAppender {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly clock: Clock,
    private readonly exportTo: AuditExport | null = null,
  ) {}

  async append(entry: AuditEntryInput): Promise<void> {
    await this.appendAll([entry]);
  }

  /** Appends the entries in order, with one read of the head, one insert and one head update. */
  async appendAll(entries: readonly AuditEntryInput[]): Promise<void> {
    if (entries.length === 0) return;
    let headQuery = this.trx.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1);
    // SQLite runs one writer at a time already; PostgreSQL needs the row lock.
    if (this.dialect === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    const at = this.clock.now().getTime();
    let seq = Number(head.seq);
    let prevHash = head.hash;
    const rows = entries.map((entry) => {
      seq += 1;
      const fields = {
        seq,
        id: newId(),
        at,
        tenantId: entry.tenantId,
        event: entry.event,
        outcome: entry.outcome,
        actor: entry.actor,
        subjectId: entry.subjectId ?? null,
        flowId: entry.flowId ?? null,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent ? entry.userAgent.slice(0, 256) : null,
        correlationId: entry.correlationId ?? null,
        details: canonicalJson(entry.details ?? {}),
      };
      const hash = auditEntryHash(prevHash, fields);
      const row = { fields, prevHash, hash };
      prevHash = hash;
      return row;
    });
    await this.trx
      .insertInto('audit_log')
      .values(
        rows.map(({ fields, prevHash: previous, hash }) => ({
          seq: fields.seq,
          id: fields.id,
          at: fields.at,
          tenant_id: fields.tenantId,
          event: fields.event,
          outcome: fields.outcome,
          actor: fields.actor,
          subject_id: fields.subjectId,
          flow_id: fields.flowId,
          ip: fields.ip,
          user_agent: fields.userAgent,
          correlation_id: fields.correlationId,
          details: fields.details,
          prev_hash: previous,
          hash,
        })),
      )
      .execute();
    await this.trx.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', 1).execute();
    if (!this.exportTo) return;
    const writer = new SqlOutboxWriter(this.trx, this.exportTo.sealer, this.clock);
    for (const { fields, prevHash: previous, hash } of rows) {
      await writer.enqueue({
        channel: 'audit',
        template: 'audit_entry',
        tenantId: fields.tenantId,
        to: '',
        data: { ...fields, prevHash: previous, hash },
        idempotencyKey: `audit:${fields.seq}`,
        flowId: fields.flowId,
        subjectId: fields.subjectId,
      });
    }
  }
}
