import type { Kysely } from 'kysely';
import type { HeldFlow, ReviewQueue } from '../../core/risk/review-types.js';
import type { ResetFlowRecord } from '../../core/reset/reset-flow-record.js';
import { fromRow } from './flow-repository.js';
import type { Database } from './schema.js';

/** Flows held for review in SQL (SQLite or PostgreSQL alike), read by the console's queue and the gauge. */
export class SqlReviewQueue implements ReviewQueue {
  constructor(private readonly db: Kysely<Database>) {}

  async pending(tenantId: string, now: Date, limit: number): Promise<HeldFlow[]> {
    const rows = await this.db
      .selectFrom('reset_flows')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('state', '=', 'awaiting_review')
      .where('expires_at', '>', now.getTime())
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    if (rows.length === 0) return [];
    // Where and when each was held: its `reset.review_held` entry (one per held flow).
    const held = await this.db
      .selectFrom('audit_log')
      .select(['flow_id', 'ip', 'at'])
      .where('tenant_id', '=', tenantId)
      .where('event', '=', 'reset.review_held')
      .where('flow_id', 'in', rows.map((r) => r.id))
      .execute();
    const byFlow = new Map(held.map((h) => [h.flow_id, h]));
    return rows.map((row) => {
      const flow = fromRow(row);
      const entry = byFlow.get(flow.id);
      return { flow, ip: entry?.ip ?? null, heldAt: entry ? new Date(Number(entry.at)) : flow.updatedAt };
    });
  }

  async get(tenantId: string, flowId: string): Promise<ResetFlowRecord | null> {
    const row = await this.db.selectFrom('reset_flows').selectAll().where('tenant_id', '=', tenantId).where('id', '=', flowId).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async countPending(now: Date): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('reset_flows')
      .select((eb) => ['tenant_id', eb.fn.countAll<number | string>().as('n')])
      .where('state', '=', 'awaiting_review')
      .where('expires_at', '>', now.getTime())
      .groupBy('tenant_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.tenant_id, Number(r.n)]));
  }
}
