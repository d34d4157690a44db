import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Pending messages of one outbox kind (channel): how many, and when the oldest was queued (epoch ms). */
export interface OutboxKindBacklog {
  kind: string;
  pending: number;
  oldestCreatedAt: number | null;
}

/**
 * One grouped read of the pending outbox rows, for the backlog gauges at scrape time. It uses the same
 * `status` filter as the worker's claim, so it is as cheap as the existing backlog count.
 */
export async function readOutboxBacklog(db: Kysely<Database>): Promise<OutboxKindBacklog[]> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => ['channel', eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .groupBy('channel')
    .execute();
  return rows.map((row) => ({ kind: row.channel, pending: Number(row.n), oldestCreatedAt: row.oldest === null ? null : Number(row.oldest) }));
}
