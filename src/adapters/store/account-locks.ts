import type { Kysely } from 'kysely';
import type { AccountLocks } from '../../core/ports/store.js';
import type { Database } from './schema.js';

/**
 * Leases on accounts in SQL: one row per locked account. Taking a lease is one statement — insert, or take
 * over a row whose lease has run out — so two nodes racing for the same account cannot both win.
 */
export class SqlAccountLocks implements AccountLocks {
  /** Leases this process holds now (`tenant \0 subject` → holder), so a shutdown can give them all back. */
  private readonly held = new Map<string, { tenantId: string; subjectId: string; holder: string }>();

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
    const taken = Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
    if (taken) this.held.set(`${tenantId}\0${subjectId}`, { tenantId, subjectId, holder });
    return taken;
  }

  async release(tenantId: string, subjectId: string, holder: string): Promise<void> {
    const key = `${tenantId}\0${subjectId}`;
    if (this.held.get(key)?.holder === holder) this.held.delete(key);
    await this.db.deleteFrom('account_locks').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).where('holder', '=', holder).execute();
  }

  /**
   * Gives back every lease this process still holds (a shutdown whose deadline cut work short), so the
   * people concerned can retry on another node at once instead of waiting for the leases to run out.
   * Returns how many were released.
   */
  async releaseAll(): Promise<number> {
    const leases = [...this.held.values()];
    this.held.clear();
    let released = 0;
    for (const { tenantId, subjectId, holder } of leases) {
      const result = await this.db.deleteFrom('account_locks').where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).where('holder', '=', holder).executeTakeFirst();
      released += Number(result.numDeletedRows);
    }
    return released;
  }
}
