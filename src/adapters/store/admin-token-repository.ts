import type { Kysely, Selectable } from 'kysely';
import type { AdminTokenRecord, AdminTokenRepository } from '../../core/ports/admin-sessions.js';
import type { AdminTokensTable, Database } from './schema.js';

/** Admin API tokens in SQL (hashes only). */
export class SqlAdminTokenRepository implements AdminTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(token: AdminTokenRecord): Promise<void> {
    await this.db
      .insertInto('admin_tokens')
      .values({
        id: token.id,
        token_hash: token.tokenHash,
        name: token.name,
        role: token.role,
        tenants: JSON.stringify(token.tenants),
        created_by: token.createdBy,
        created_at: token.createdAt.getTime(),
        expires_at: token.expiresAt.getTime(),
        revoked_at: token.revokedAt?.getTime() ?? null,
        last_used_at: token.lastUsedAt?.getTime() ?? null,
      })
      .execute();
  }

  async findByHash(tokenHash: string): Promise<AdminTokenRecord | null> {
    const row = await this.db.selectFrom('admin_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  async list(): Promise<AdminTokenRecord[]> {
    const rows = await this.db.selectFrom('admin_tokens').selectAll().orderBy('created_at', 'desc').execute();
    return rows.map(fromRow);
  }

  async revoke(id: string, now: Date): Promise<boolean> {
    const result = await this.db.updateTable('admin_tokens').set({ revoked_at: now.getTime() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async touch(id: string, now: Date): Promise<void> {
    await this.db.updateTable('admin_tokens').set({ last_used_at: now.getTime() }).where('id', '=', id).execute();
  }
}

function fromRow(row: Selectable<AdminTokensTable>): AdminTokenRecord {
  const tenants: unknown = JSON.parse(row.tenants);
  return {
    id: row.id,
    tokenHash: row.token_hash,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : row.role === 'helpdesk' ? 'helpdesk' : 'auditor',
    tenants: Array.isArray(tenants) ? tenants.filter((t): t is string => typeof t === 'string') : [],
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
    revokedAt: row.revoked_at === null ? null : new Date(Number(row.revoked_at)),
    lastUsedAt: row.last_used_at === null ? null : new Date(Number(row.last_used_at)),
  };
}
