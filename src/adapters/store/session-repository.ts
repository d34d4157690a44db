import type { Kysely, Selectable, Transaction } from 'kysely';
import type { SessionRecord, SessionRepository, SessionState } from '../../core/ports/sessions.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database, SessionsTable } from './schema.js';

/** Sessions in SQL. */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database> | Transaction<Database>) {}

  within(tx: StoreTx): SqlSessionRepository {
    return new SqlSessionRepository(tx.native as Transaction<Database>);
  }

  async insert(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        token_hash: session.tokenHash,
        tenant_id: session.tenantId,
        subject_id: session.subjectId,
        state: session.state,
        attempts: session.attempts,
        created_at: session.createdAt.getTime(),
        expires_at: session.expiresAt.getTime(),
        revoked_at: session.revokedAt?.getTime() ?? null,
      })
      .execute();
  }

  async find(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async update(tokenHash: string, expected: { state: SessionState; attempts: number }, next: { state: SessionState; attempts: number; expiresAt: Date }): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ state: next.state, attempts: next.attempts, expires_at: next.expiresAt.getTime() })
      .where('token_hash', '=', tokenHash)
      .where('state', '=', expected.state)
      .where('attempts', '=', expected.attempts)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revoke(tokenHash: string, now: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ revoked_at: now.getTime() }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  }

  async revokeAll(tenantId: string, subjectId: string, now: Date): Promise<number> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: now.getTime() })
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

function fromRow(row: Selectable<SessionsTable>): SessionRecord {
  return {
    tokenHash: row.token_hash,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    state: row.state as SessionState,
    attempts: Number(row.attempts),
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
  };
}
