import type { Kysely } from 'kysely';
import type { AccountLocks } from '../../core/ports/store.js';
import type { Database } from './schema.js';

/**
 * Leases on accounts in SQL: one row per locked account. Taking a lease is one statement — insert, or take
 * over a row whose lease has run out — so two nodes racing for the same account cannot both win.
 */
export class SqlAccountLocks implements AccountLocks {
  constructor(private readonly db: Kysely<Database>) {}

  async acquire(tenantId: string, subjectId: string, holder: string, now: Date, ttlSeconds: number): Promise<boolean> {
    const expiresAt = now.getTime() + ttlSeconds * 1000;
    const result = await this.db
      .insertInto('account_locks')
      .values({ tenant_id: tenantId, subject_id: subjectId, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'subject_id'])
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where('account_locks.expires_at', '<=', now.getTime()),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async release(tenantId: string, subjectId: string, holder: string): Promise<void> {
    await this.db.deleteFrom('account_locks').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).where('holder', '=', holder).execute();
  }
}
