import type { Kysely, Selectable, Transaction } from 'kysely';
import type { HelpdeskCheck, HelpdeskCheckKind, HelpdeskCheckRepository, HelpdeskCheckState } from '../../core/ports/helpdesk.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database, HelpdeskChecksTable } from './schema.js';

const native = (tx: StoreTx) => tx.native as Transaction<Database>;

/** Helpdesk checks of callers in SQL (SQLite or PostgreSQL). */
export class SqlHelpdeskChecks implements HelpdeskCheckRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tx: StoreTx, check: HelpdeskCheck): Promise<void> {
    await native(tx)
      .insertInto('helpdesk_checks')
      .values({
        id: check.id, tenant_id: check.tenantId, subject_id: check.subjectId, agent: check.agent, ticket: check.ticket,
        method_kind: check.kind, method_id: check.methodId, state: check.state, code_hash: check.codeHash, code_key_id: check.codeKeyId,
        attempts: check.attempts, created_at: check.createdAt.getTime(), expires_at: check.expiresAt.getTime(),
        passed_at: check.passedAt?.getTime() ?? null, valid_until: check.validUntil?.getTime() ?? null,
      })
      .execute();
  }

  async get(tenantId: string, id: string): Promise<HelpdeskCheck | null> {
    const row = await this.db.selectFrom('helpdesk_checks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async spendAttempt(tenantId: string, id: string, max: number): Promise<number | null> {
    // Check and count in one statement: concurrent answers cannot get past the limit.
    const result = await this.db
      .updateTable('helpdesk_checks')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('attempts', '<', max)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return null;
    const row = await this.db.selectFrom('helpdesk_checks').select('attempts').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? Number(row.attempts) : null;
  }

  async pass(tx: StoreTx, tenantId: string, id: string, now: Date, validUntil: Date): Promise<boolean> {
    const result = await native(tx)
      .updateTable('helpdesk_checks')
      .set({ state: 'passed', passed_at: now.getTime(), valid_until: validUntil.getTime(), code_hash: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async fail(tx: StoreTx, tenantId: string, id: string): Promise<boolean> {
    const result = await native(tx)
      .updateTable('helpdesk_checks')
      .set({ state: 'failed', code_hash: null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async current(tenantId: string, subjectId: string, agent: string, now: Date): Promise<HelpdeskCheck | null> {
    const at = now.getTime();
    // The newest live check wins: a new check (a new call) replaces a passed one until it passes too. On equal
    // times the pending one is the newer (a check is created pending): 'pending' sorts after 'passed'.
    const row = await this.db
      .selectFrom('helpdesk_checks')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('agent', '=', agent)
      .where((eb) => eb.or([eb.and([eb('state', '=', 'passed'), eb('valid_until', '>', at)]), eb.and([eb('state', '=', 'pending'), eb('expires_at', '>', at)])]))
      .orderBy('created_at', 'desc')
      .orderBy('state', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? fromRow(row) : null;
  }
}

function fromRow(row: Selectable<HelpdeskChecksTable>): HelpdeskCheck {
  const time = (value: number | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id, tenantId: row.tenant_id, subjectId: row.subject_id, agent: row.agent, ticket: row.ticket,
    kind: row.method_kind as HelpdeskCheckKind, methodId: row.method_id, state: row.state as HelpdeskCheckState,
    codeHash: row.code_hash, codeKeyId: row.code_key_id, attempts: Number(row.attempts),
    createdAt: new Date(Number(row.created_at)), expiresAt: new Date(Number(row.expires_at)),
    passedAt: time(row.passed_at), validUntil: time(row.valid_until),
  };
}
