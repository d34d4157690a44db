import type { FlowRisk, RiskAction, RiskSignal } from '../../core/risk/risk-types.js';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { UnlatchError } from '../../core/errors.js';
import type { FlowRepository } from '../../core/ports/store.js';
import type { ResetFlowRecord } from '../../core/reset/reset-flow-record.js';
import { LIVE_STATES, type ResetState } from '../../core/reset/reset-states.js';
import type { MethodKind } from '../../core/ports/methods.js';
import type { Database, ResetFlowsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Reset flows in SQL, with optimistic versioning on every update. */
export class SqlFlowRepository implements FlowRepository {
  constructor(private readonly db: Db) {}

  async insert(flow: ResetFlowRecord): Promise<void> {
    try {
      await this.db.insertInto('reset_flows').values(toRow(flow)).execute();
    } catch (error) {
      // The one-live-flow index (migration 0010): a start for the same key on another node committed first.
      if (isUniqueViolation(error)) throw new UnlatchError('conflict', { reason: 'live_flow' });
      throw error;
    }
  }

  async update(flow: ResetFlowRecord, expectedVersion: number): Promise<boolean> {
    // By id, not handle: confirming an emailed link gives the flow a new handle.
    const { id: _id, ...changes } = toRow(flow);
    const result = await this.db
      .updateTable('reset_flows')
      .set(changes)
      .where('id', '=', flow.id)
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async findByHandleHash(handleHash: string): Promise<ResetFlowRecord | null> {
    const row = await this.db.selectFrom('reset_flows').selectAll().where('handle_hash', '=', handleHash).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async findByLinkHash(linkHash: string): Promise<ResetFlowRecord | null> {
    const row = await this.db.selectFrom('reset_flows').selectAll().where('link_hash', '=', linkHash).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async supersedeActive(tenantId: string, supersedeKey: string, now: Date, exceptFlowId?: string): Promise<number> {
    let query = this.db
      .updateTable('reset_flows')
      .set((eb) => ({ state: 'superseded', updated_at: now.getTime(), code_hash: null, sms_code_hash: null, link_hash: null, version: eb('version', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('supersede_key', '=', supersedeKey)
      // Every live state, from the one table that names them: a flow at any step dies when a newer one starts.
      .where('state', 'in', [...LIVE_STATES]);
    if (exceptFlowId) query = query.where('id', '!=', exceptFlowId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

/** A unique constraint refused the row: PostgreSQL SQLSTATE 23505, or SQLite's extended result code. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

function toRow(flow: ResetFlowRecord): ResetFlowsTable {
  return {
    id: flow.id,
    handle_hash: flow.handleHash,
    tenant_id: flow.tenantId,
    subject_id: flow.subjectId,
    decoy: flow.decoy ? 1 : 0,
    supersede_key: flow.supersedeKey,
    rate_key: flow.rateKey,
    state: flow.state,
    code_hash: flow.codeHash,
    code_key_id: flow.codeKeyId,
    attempts: flow.attempts,
    proven: JSON.stringify(flow.proven),
    sms_code_hash: flow.smsCodeHash,
    sms_code_key_id: flow.smsCodeKeyId,
    sms_method_id: flow.smsMethodId,
    sms_code_expires_at: flow.smsCodeExpiresAt ? flow.smsCodeExpiresAt.getTime() : null,
    link_hash: flow.linkHash,
    purpose: flow.purpose,
    canary: flow.canary === true ? 1 : 0,
    lang: flow.lang ?? null,
    risk_score: flow.risk ? flow.risk.score : null,
    risk_action: flow.risk ? flow.risk.action : null,
    risk_reasons: flow.risk ? JSON.stringify(flow.risk.reasons) : null,
    risk_device: flow.riskDevice ?? null,
    expires_at: flow.expiresAt.getTime(),
    created_at: flow.createdAt.getTime(),
    updated_at: flow.updatedAt.getTime(),
    version: flow.version,
  };
}

/** A stored row as a flow record (the review queue reads held flows with it). */
export function fromRow(row: Selectable<ResetFlowsTable>): ResetFlowRecord {
  return {
    id: row.id,
    handleHash: row.handle_hash,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    decoy: Number(row.decoy) === 1,
    supersedeKey: row.supersede_key,
    rateKey: row.rate_key,
    state: row.state as ResetState,
    codeHash: row.code_hash,
    codeKeyId: row.code_key_id,
    attempts: Number(row.attempts),
    proven: JSON.parse(row.proven) as MethodKind[],
    smsCodeHash: row.sms_code_hash,
    smsCodeKeyId: row.sms_code_key_id,
    smsMethodId: row.sms_method_id,
    smsCodeExpiresAt: row.sms_code_expires_at === null ? null : new Date(Number(row.sms_code_expires_at)),
    linkHash: row.link_hash ?? null,
    purpose: row.purpose === 'unlock' ? 'unlock' : 'reset',
    canary: Number(row.canary) === 1,
    ...(row.lang ? { lang: row.lang } : {}),
    ...withRisk(riskOf(row)),
    ...(row.risk_device ? { riskDevice: row.risk_device } : {}),
    expiresAt: new Date(Number(row.expires_at)),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
    version: Number(row.version),
  };
}

/** The risk field of a flow record: absent when none was recorded (as `lang`), so old flows read back unchanged. */
function withRisk(risk: FlowRisk | null): { risk?: FlowRisk } {
  return risk ? { risk } : {};
}

/** The start's risk decision as stored (migration 0025); null for flows from before it or with the engine off. */
function riskOf(row: Selectable<ResetFlowsTable>): FlowRisk | null {
  if (row.risk_action === null || row.risk_action === undefined || row.risk_score === null) return null;
  return { score: Number(row.risk_score), action: row.risk_action as RiskAction, reasons: row.risk_reasons ? (JSON.parse(row.risk_reasons) as RiskSignal[]) : [] };
}
