import type { Kysely, Transaction } from 'kysely';
import { newId } from '../../core/crypto/secrets.js';
import type { ChallengePurpose, ChallengeStore, TakenChallenge } from '../../core/ports/challenges.js';
import type { Database } from './schema.js';

/** WebAuthn challenges in SQL (migration 0005). */
export class SqlChallengeStore implements ChallengeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async issue(input: { purpose: ChallengePurpose; owner: string; challenge: string; context?: Record<string, unknown>; expiresAt: Date }, now: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // Expired rows of anyone go here too (indexed): the table stays small without a housekeeping job.
      await trx.deleteFrom('challenges').where('expires_at', '<=', now.getTime()).execute();
      await trx.deleteFrom('challenges').where('purpose', '=', input.purpose).where('owner', '=', input.owner).execute();
      await trx
        .insertInto('challenges')
        .values({
          id: newId(),
          purpose: input.purpose,
          owner: input.owner,
          challenge: input.challenge,
          context: JSON.stringify(input.context ?? {}),
          created_at: now.getTime(),
          expires_at: input.expiresAt.getTime(),
        })
        .execute();
    });
  }

  async take(purpose: ChallengePurpose, owner: string, now: Date): Promise<TakenChallenge | null> {
    return this.db.transaction().execute(async (trx: Transaction<Database>) => {
      const row = await trx.selectFrom('challenges').selectAll().where('purpose', '=', purpose).where('owner', '=', owner).orderBy('created_at', 'desc').executeTakeFirst();
      if (!row) return null;
      // The DELETE is the spend: of two racing requests only the one that deletes the row gets the challenge.
      const deleted = await trx.deleteFrom('challenges').where('id', '=', row.id).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1 || Number(row.expires_at) <= now.getTime()) return null;
      return { challenge: row.challenge, context: JSON.parse(row.context) as Record<string, unknown> };
    });
  }
}
