import type { Kysely } from 'kysely';
import type { FrictionStore, RatedFlow } from '../../core/ports/fraud.js';
import type { Database } from './schema.js';

/** The anonymous rating in SQL: hashed single-use form tokens with an expiry, and daily counts. */
export class SqlFrictionStore implements FrictionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async issueToken(tokenHash: string, expiresAt: Date): Promise<void> {
    await this.db.insertInto('rating_tokens').values({ token_hash: tokenHash, expires_at: expiresAt.getTime() }).execute();
  }

  async record(tokenHash: string, now: Date, answer: { tenantId: string; flow: RatedFlow; day: string; rating: number }): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // Deleting the token spends it: of two submits racing with one token, one deletes the row, the other counts nothing.
      const spent = await trx.deleteFrom('rating_tokens').where('token_hash', '=', tokenHash).where('expires_at', '>', now.getTime()).executeTakeFirst();
      if (Number(spent.numDeletedRows) !== 1) return false;
      await trx
        .insertInto('friction_ratings')
        .values({ tenant_id: answer.tenantId, flow: answer.flow, day: answer.day, rating: answer.rating, count: 1 })
        .onConflict((oc) => oc.columns(['tenant_id', 'flow', 'day', 'rating']).doUpdateSet((eb) => ({ count: eb('friction_ratings.count', '+', 1) })))
        .execute();
      return true;
    });
  }

  async distribution(tenantId: string, sinceDay: string): Promise<Array<{ flow: RatedFlow; rating: number; count: number }>> {
    const rows = await this.db
      .selectFrom('friction_ratings')
      .select(['flow', 'rating', (eb) => eb.fn.sum<string | number>('count').as('count')])
      .where('tenant_id', '=', tenantId)
      .where('day', '>=', sinceDay)
      .groupBy(['flow', 'rating'])
      .execute();
    return rows.map((r) => ({ flow: r.flow as RatedFlow, rating: Number(r.rating), count: Number(r.count) }));
  }
}
