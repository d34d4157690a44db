import type { Kysely, Selectable, Transaction } from 'kysely';
import type { HelpdeskAction, HelpdeskRequest, HelpdeskRequestRepository, HelpdeskRequestState } from '../../core/ports/helpdesk.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database, HelpdeskRequestsTable } from './schema.js';

/** Requests for a second operator's approval in SQL (SQLite or PostgreSQL). */
export class SqlHelpdeskRequests implements HelpdeskRequestRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tx: StoreTx, request: HelpdeskRequest): Promise<void> {
    await (tx.native as Transaction<Database>)
      .insertInto('helpdesk_requests')
      .values({
        id: request.id, tenant_id: request.tenantId, subject_id: request.subjectId, agent: request.agent, agent_name: request.agentName,
        ticket: request.ticket, action: request.action, params: JSON.stringify(request.params), state: request.state,
        created_at: request.createdAt.getTime(), expires_at: request.expiresAt.getTime(),
        decided_by: request.decidedBy, decided_at: request.decidedAt?.getTime() ?? null, used_at: request.usedAt?.getTime() ?? null,
      })
      .execute();
  }

  async get(tenantId: string, id: string): Promise<HelpdeskRequest | null> {
    const row = await this.db.selectFrom('helpdesk_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(tenantId: string, states: readonly HelpdeskRequestState[], limit: number): Promise<HelpdeskRequest[]> {
    if (states.length === 0) return [];
    const rows = await this.db
      .selectFrom('helpdesk_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('state', 'in', [...states])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  async openFor(tenantId: string, subjectId: string, agent: string): Promise<HelpdeskRequest[]> {
    const rows = await this.db
      .selectFrom('helpdesk_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('agent', '=', agent)
      .where('state', 'in', ['pending', 'approved'])
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  async transition(
    tx: StoreTx,
    tenantId: string,
    id: string,
    from: HelpdeskRequestState,
    to: HelpdeskRequestState,
    fields: { by?: string; at: Date; expiresAt?: Date },
  ): Promise<boolean> {
    const at = fields.at.getTime();
    const decision = to === 'approved' || to === 'refused' ? { decided_by: fields.by ?? null, decided_at: at } : {};
    const result = await (tx.native as Transaction<Database>)
      .updateTable('helpdesk_requests')
      .set({ state: to, ...decision, ...(to === 'used' ? { used_at: at } : {}), ...(fields.expiresAt ? { expires_at: fields.expiresAt.getTime() } : {}) })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async due(tenantId: string, now: Date): Promise<HelpdeskRequest[]> {
    const rows = await this.db
      .selectFrom('helpdesk_requests')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('state', 'in', ['pending', 'approved'])
      .where('expires_at', '<=', now.getTime())
      .execute();
    return rows.map(fromRow);
  }
}

function fromRow(row: Selectable<HelpdeskRequestsTable>): HelpdeskRequest {
  const time = (value: number | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id, tenantId: row.tenant_id, subjectId: row.subject_id, agent: row.agent, agentName: row.agent_name, ticket: row.ticket,
    action: row.action as HelpdeskAction, params: JSON.parse(row.params) as Record<string, string | number>, state: row.state as HelpdeskRequestState,
    createdAt: new Date(Number(row.created_at)), expiresAt: new Date(Number(row.expires_at)),
    decidedBy: row.decided_by, decidedAt: time(row.decided_at), usedAt: time(row.used_at),
  };
}
