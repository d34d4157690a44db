import type { Kysely, Selectable } from 'kysely';
import type { AdminRole, OperatorGrants } from '../../core/admin/operator.js';
import type { AdminSessionRecord, AdminSessionRepository, AdminSessionState } from '../../core/ports/admin-sessions.js';
import type { AdminSessionsTable, Database } from './schema.js';

/** Console sessions in SQL. */
export class SqlAdminSessionRepository implements AdminSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: AdminSessionRecord): Promise<void> {
    await this.db
      .insertInto('admin_sessions')
      .values({
        token_hash: session.tokenHash,
        tenant_id: session.tenantId,
        subject_id: session.subjectId,
        username: session.username,
        display_name: session.displayName,
        via: session.via,
        grants: JSON.stringify(session.grants),
        state: session.state,
        attempts: session.attempts,
        created_at: session.createdAt.getTime(),
        last_seen_at: session.lastSeenAt.getTime(),
        expires_at: session.expiresAt.getTime(),
        revoked_at: session.revokedAt?.getTime() ?? null,
      })
      .execute();
  }

  async find(tokenHash: string): Promise<AdminSessionRecord | null> {
    const row = await this.db.selectFrom('admin_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async update(tokenHash: string, expected: { state: AdminSessionState; attempts: number }, next: { state: AdminSessionState; attempts: number; expiresAt: Date; lastSeenAt: Date }): Promise<boolean> {
    const result = await this.db
      .updateTable('admin_sessions')
      .set({ state: next.state, attempts: next.attempts, expires_at: next.expiresAt.getTime(), last_seen_at: next.lastSeenAt.getTime() })
      .where('token_hash', '=', tokenHash)
      .where('state', '=', expected.state)
      .where('attempts', '=', expected.attempts)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async touch(tokenHash: string, now: Date): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ last_seen_at: now.getTime() }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  }

  async revoke(tokenHash: string, now: Date): Promise<void> {
    await this.db.updateTable('admin_sessions').set({ revoked_at: now.getTime() }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
  }
}

function fromRow(row: Selectable<AdminSessionsTable>): AdminSessionRecord {
  return {
    tokenHash: row.token_hash,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    username: row.username,
    displayName: row.display_name,
    via: row.via === 'oidc' ? 'oidc' : 'password',
    grants: parseGrants(row.grants),
    state: row.state === 'full' ? 'full' : 'partial',
    attempts: Number(row.attempts),
    createdAt: new Date(Number(row.created_at)),
    lastSeenAt: new Date(Number(row.last_seen_at)),
    expiresAt: new Date(Number(row.expires_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
  };
}

const ROLES: readonly AdminRole[] = ['admin', 'helpdesk', 'auditor'];

/** Grants as stored; anything not a known role is dropped (a damaged row grants less, never more). */
function parseGrants(json: string): OperatorGrants {
  const grants: OperatorGrants = {};
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed !== 'object' || parsed === null) return grants;
  for (const [tenant, roles] of Object.entries(parsed)) {
    if (Array.isArray(roles)) grants[tenant] = roles.filter((r): r is AdminRole => ROLES.includes(r as AdminRole));
  }
  return grants;
}
