import type { Kysely, Selectable, Transaction } from 'kysely';
import type { FraudLabel, FraudLabelRecord, FraudLabelSource, FraudStore, ReportLinkRecord, SelfServiceHold } from '../../core/ports/fraud.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { FraudLabelsTable, SelfServiceHoldsTable } from './fraud-tables.js';
import type { Database } from './schema.js';

const trxOf = (tx: StoreTx) => tx.native as Transaction<Database>;

/** "This wasn't me" links, self-service holds and fraud labels in SQL (SQLite or PostgreSQL alike). */
export class SqlFraudStore implements FraudStore {
  constructor(private readonly db: Kysely<Database>) {}

  async addLink(tx: StoreTx, link: ReportLinkRecord): Promise<void> {
    await insertReportLink(trxOf(tx), link);
  }

  async spendLink(tx: StoreTx, tokenHash: string, now: Date): Promise<ReportLinkRecord | null> {
    const trx = trxOf(tx);
    // One conditional update: of two POSTs racing with one link, exactly one changes the row.
    const result = await trx
      .updateTable('report_links')
      .set({ used_at: now.getTime() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const row = await trx.selectFrom('report_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirstOrThrow();
    return {
      tokenHash: row.token_hash, tenantId: row.tenant_id, subjectId: row.subject_id, flowId: row.flow_id, event: row.event,
      createdAt: new Date(Number(row.created_at)), expiresAt: new Date(Number(row.expires_at)),
    };
  }

  async hold(tx: StoreTx, hold: SelfServiceHold): Promise<void> {
    await trxOf(tx)
      .insertInto('self_service_holds')
      .values({ tenant_id: hold.tenantId, subject_id: hold.subjectId, reason: hold.reason, flow_id: hold.flowId, created_at: hold.createdAt.getTime() })
      .onConflict((oc) => oc.columns(['tenant_id', 'subject_id']).doNothing())
      .execute();
  }

  async release(tx: StoreTx, tenantId: string, subjectId: string): Promise<boolean> {
    const result = await trxOf(tx).deleteFrom('self_service_holds').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async isHeld(tenantId: string, subjectId: string): Promise<boolean> {
    const row = await this.db.selectFrom('self_service_holds').select(['subject_id', 'expires_at']).where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst();
    // An incident's hold ends by itself at its expiry (migration 0028); a report's lasts until an operator ends it.
    return row !== undefined && (row.expires_at === null || Number(row.expires_at) > Date.now());
  }

  async holds(tenantId: string, limit: number): Promise<SelfServiceHold[]> {
    const rows = await this.db.selectFrom('self_service_holds').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(holdOf);
  }

  async addLabel(tx: StoreTx, label: FraudLabelRecord): Promise<void> {
    await trxOf(tx)
      .insertInto('fraud_labels')
      .values({
        id: label.id, tenant_id: label.tenantId, subject_id: label.subjectId, flow_id: label.flowId, label: label.label, source: label.source,
        actor: label.actor, created_at: label.createdAt.getTime(),
      })
      .execute();
  }

  async labels(tenantId: string, limit: number): Promise<FraudLabelRecord[]> {
    const rows = await this.db.selectFrom('fraud_labels').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
    return rows.map(labelOf);
  }

  async labelCounts(tenantId: string, since: Date): Promise<Array<{ label: FraudLabel; source: FraudLabelSource; count: number }>> {
    const rows = await this.db
      .selectFrom('fraud_labels')
      .select(['label', 'source', (eb) => eb.fn.countAll<string | number>().as('count')])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '>=', since.getTime())
      .groupBy(['label', 'source'])
      .execute();
    return rows.map((r) => ({ label: r.label as FraudLabel, source: r.source as FraudLabelSource, count: Number(r.count) }));
  }
}

function holdOf(row: Selectable<SelfServiceHoldsTable>): SelfServiceHold {
  return { tenantId: row.tenant_id, subjectId: row.subject_id, reason: row.reason, flowId: row.flow_id, createdAt: new Date(Number(row.created_at)) };
}

function labelOf(row: Selectable<FraudLabelsTable>): FraudLabelRecord {
  return {
    id: row.id, tenantId: row.tenant_id, subjectId: row.subject_id, flowId: row.flow_id, label: row.label as FraudLabel, source: row.source as FraudLabelSource,
    actor: row.actor, createdAt: new Date(Number(row.created_at)),
  };
}

/** Keeps a "this wasn't me" link (its hash only) in the transaction that queues its notice (`SqlStore`'s outbox). */
export async function insertReportLink(trx: Transaction<Database>, link: ReportLinkRecord): Promise<void> {
  await trx
    .insertInto('report_links')
    .values({
      token_hash: link.tokenHash, tenant_id: link.tenantId, subject_id: link.subjectId, flow_id: link.flowId, event: link.event,
      created_at: link.createdAt.getTime(), expires_at: link.expiresAt.getTime(), used_at: null,
    })
    .execute();
}

/** What the purge of report links and rating tokens removed. */
export interface FraudPurgeReport {
  reportLinks: number;
  ratingTokens: number;
}

/**
 * Deletes "this wasn't me" links a day past their expiry (spent or not: the audit keeps every report) and rating
 * tokens past theirs. Holds and labels are never purged: an operator ends a hold, and labels are the M3 record.
 */
export async function purgeFraudTokens(db: Kysely<Database>, now: Date): Promise<FraudPurgeReport> {
  const links = await db.deleteFrom('report_links').where('expires_at', '<', now.getTime() - 86_400_000).executeTakeFirst();
  const tokens = await db.deleteFrom('rating_tokens').where('expires_at', '<', now.getTime()).executeTakeFirst();
  return { reportLinks: Number(links.numDeletedRows), ratingTokens: Number(tokens.numDeletedRows) };
}
