import type { Kysely } from 'kysely';
import type { StoredAuditEntry } from '../../src/core/audit/audit-hash.js';
import type { Database } from '../../src/adapters/store/schema.js';

/** Reads the audit table the way a verifier sees it (tests only). */
export class SqlAuditReaderForTests {
  constructor(private readonly db: Kysely<Database>) {}

  async count(): Promise<number> {
    const row = await this.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async all(): Promise<StoredAuditEntry[]> {
    const rows = await this.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    return rows.map((r) => ({
      seq: Number(r.seq), id: r.id, at: Number(r.at), tenantId: r.tenant_id, event: r.event, outcome: r.outcome, actor: r.actor,
      subjectId: r.subject_id, flowId: r.flow_id, ip: r.ip, userAgent: r.user_agent, correlationId: r.correlation_id, details: r.details,
      prevHash: r.prev_hash, hash: r.hash,
    }));
  }
}
