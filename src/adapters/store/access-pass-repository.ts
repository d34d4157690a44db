import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AccessPassRecord, AccessPassRepository, AccessPassSpend } from '../../core/ports/access-passes.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { AccessPassesTable, Database } from './schema.js';

/** Temporary access passes in SQL (SQLite or PostgreSQL), stored as the SHA-256 of the normalised pass. */
export class SqlAccessPassRepository implements AccessPassRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tx: StoreTx, record: AccessPassRecord, passHash: string): Promise<void> {
    const trx = tx.native as Transaction<Database>;
    const now = record.createdAt.getTime();
    // One live pass per person: a new one ends the earlier ones, so a pass read out to the wrong caller
    // can be made useless by issuing another.
    await trx
      .updateTable('access_passes')
      .set({ revoked_at: now })
      .where('tenant_id', '=', record.tenantId)
      .where('subject_id', '=', record.subjectId)
      .where('revoked_at', 'is', null)
      .where('uses_left', '>', 0)
      .where('expires_at', '>', now)
      .execute();
    await trx
      .insertInto('access_passes')
      .values({
        id: record.id,
        tenant_id: record.tenantId,
        subject_id: record.subjectId,
        pass_hash: passHash,
        created_by: record.createdBy,
        created_at: now,
        expires_at: record.expiresAt.getTime(),
        uses_left: record.usesLeft,
        used_at: record.usedAt?.getTime() ?? null,
        revoked_at: record.revokedAt?.getTime() ?? null,
      })
      .execute();
  }

  async spend(tx: StoreTx | null, tenantId: string, subjectId: string, passHash: string, now: Date): Promise<AccessPassSpend> {
    const db = tx ? (tx.native as Transaction<Database>) : this.db;
    const at = now.getTime();
    // The check and the spending are one statement: two requests with the same pass cannot both pass.
    const result = await db
      .updateTable('access_passes')
      .set((eb) => ({ uses_left: eb('uses_left', '-', 1), used_at: at }))
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('pass_hash', '=', passHash)
      .where('uses_left', '>', 0)
      .where('expires_at', '>', at)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return 'ok';
    // Only to say why (for the audit): the most recent row with this hash.
    const row = await db
      .selectFrom('access_passes')
      .select(['uses_left', 'expires_at', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('pass_hash', '=', passHash)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (!row) return 'wrong';
    if (Number(row.uses_left) <= 0) return 'used';
    // Run out or ended early (revoked, or replaced by a newer pass): either way no longer valid.
    return 'expired';
  }

  async listLive(tenantId: string, subjectId: string, now: Date): Promise<AccessPassRecord[]> {
    const rows = await this.db
      .selectFrom('access_passes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .where('uses_left', '>', 0)
      .where('expires_at', '>', now.getTime())
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(fromRow);
  }

  async revoke(tx: StoreTx, tenantId: string, id: string, now: Date): Promise<boolean> {
    const result = await (tx.native as Transaction<Database>)
      .updateTable('access_passes')
      .set({ revoked_at: now.getTime() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .where('uses_left', '>', 0)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function fromRow(row: Selectable<AccessPassesTable>): AccessPassRecord {
  const time = (value: number | null) => (value === null ? null : new Date(Number(value)));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    subjectId: row.subject_id,
    createdBy: row.created_by,
    createdAt: new Date(Number(row.created_at)),
    expiresAt: new Date(Number(row.expires_at)),
    usesLeft: Number(row.uses_left),
    usedAt: time(row.used_at),
    revokedAt: time(row.revoked_at),
  };
}
