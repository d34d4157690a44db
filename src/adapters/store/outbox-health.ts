import type { Kysely } from 'kysely';
import type { ChannelHealth } from '../../core/admin/system-status.js';
import type { Database } from './schema.js';

/** Channels always listed, even before their first message; others appear once the outbox holds one. */
const KNOWN_CHANNELS = ['email', 'sms', 'audit'] as const;

/**
 * Delivery health per outbox channel for one tenant, read-only: the backlog (pending), the given-up messages
 * (dead), when the newest message went out and the newest error on record. Delivered rows are purged after
 * `outbox.retentionDays`, so "last success" reaches back that far.
 */
export async function outboxHealth(db: Kysely<Database>, tenantId: string): Promise<ChannelHealth[]> {
  const rows = await db
    .selectFrom('outbox')
    .select((eb) => [
      'channel',
      eb.fn.count<number>(eb.case().when('status', '=', 'pending').then(1).end()).as('pending'),
      eb.fn.count<number>(eb.case().when('status', '=', 'dead').then(1).end()).as('dead'),
      eb.fn.max(eb.case().when('status', '=', 'sent').then(eb.ref('sent_at')).end()).as('last_sent'),
    ])
    .where('tenant_id', '=', tenantId)
    .groupBy('channel')
    .execute();
  const channels = [...new Set<string>([...KNOWN_CHANNELS, ...rows.map((r) => r.channel)])];
  const result: ChannelHealth[] = [];
  for (const channel of channels) {
    const row = rows.find((r) => r.channel === channel);
    const error = await db
      .selectFrom('outbox')
      .select(['last_error', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('channel', '=', channel)
      .where('last_error', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const lastSent = row?.last_sent === null || row?.last_sent === undefined ? null : Number(row.last_sent);
    result.push({
      channel,
      pending: Number(row?.pending ?? 0),
      dead: Number(row?.dead ?? 0),
      lastSentAt: lastSent === null ? null : new Date(lastSent),
      lastError: error?.last_error ? { message: error.last_error, queuedAt: new Date(Number(error.created_at)) } : null,
    });
  }
  return result;
}
