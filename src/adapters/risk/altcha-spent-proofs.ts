import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Clock } from '../../core/ports/clock.js';
import type { SpentProofs } from '../../core/risk/proof-of-work-gate.js';
import type { ProofOfWorkTables } from './altcha-tables.js';

/** How many spends between two sweeps of expired rows (a sweep is one indexed delete). */
const SWEEP_EVERY = 500;

/**
 * Spent challenge and ticket ids in SQL (SQLite or PostgreSQL): one insert that conflicts on a replay, so of two
 * nodes racing with one proof exactly one wins. Rows go once they expire (a replay after that fails on the
 * expiry check before it gets here).
 */
export class SqlSpentProofs implements SpentProofs {
  private readonly db: Kysely<ProofOfWorkTables>;
  private spends = 0;

  constructor(db: Kysely<Database>, private readonly clock: Clock) {
    this.db = db.withTables<ProofOfWorkTables>() as unknown as Kysely<ProofOfWorkTables>;
  }

  async spend(id: string, expiresAt: Date): Promise<boolean> {
    if (++this.spends % SWEEP_EVERY === 0) await this.sweep();
    const result = await this.db
      .insertInto('proof_of_work_spent')
      .values({ id, expires_at: expiresAt.getTime() })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  /** Deletes expired rows; returns how many. */
  async sweep(): Promise<number> {
    const result = await this.db.deleteFrom('proof_of_work_spent').where('expires_at', '<=', this.clock.now().getTime()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
