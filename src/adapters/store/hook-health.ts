import type { Kysely } from 'kysely';
import type { HookHealth } from '../../core/hooks/hook-health.js';
import { hookKeyPrefix } from '../../core/hooks/hook-events.js';
import type { Database } from './schema.js';

/** A configured hook as the System page lists it. */
export interface ListedHook {
  name: string;
  type: string;
  events: readonly string[];
}

/**
 * Delivery health of each hook for one tenant, read-only, from the outbox rows keyed `hook:<name>:…` (a
 * range of the primary key, so each hook costs one indexed query and a second for its newest error).
 */
export async function hookHealth(db: Kysely<Database>, tenantId: string, hooks: readonly ListedHook[]): Promise<HookHealth[]> {
  const result: HookHealth[] = [];
  for (const hook of hooks) {
    const prefix = hookKeyPrefix(hook.name);
    // Every key of the hook sorts between `hook:<name>:` and `hook:<name>;` (`;` follows `:`).
    const end = `${prefix.slice(0, -1)};`;
    const rows = db.selectFrom('outbox').where('tenant_id', '=', tenantId).where('idempotency_key', '>=', prefix).where('idempotency_key', '<', end);
    const counts = await rows
      .select((eb) => [
        eb.fn.count<number>(eb.case().when('status', '=', 'pending').then(1).end()).as('pending'),
        eb.fn.count<number>(eb.case().when(eb.and([eb('status', '=', 'pending'), eb('attempts', '>', 0)])).then(1).end()).as('retrying'),
        eb.fn.count<number>(eb.case().when('status', '=', 'dead').then(1).end()).as('dead'),
        eb.fn.max(eb.case().when('status', '=', 'sent').then(eb.ref('sent_at')).end()).as('last_sent'),
      ])
      .executeTakeFirst();
    const error = await rows.select(['last_error', 'created_at']).where('last_error', 'is not', null).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    const lastSent = counts?.last_sent === null || counts?.last_sent === undefined ? null : Number(counts.last_sent);
    result.push({
      name: hook.name,
      preset: hook.type,
      events: hook.events,
      pending: Number(counts?.pending ?? 0),
      retrying: Number(counts?.retrying ?? 0),
      dead: Number(counts?.dead ?? 0),
      lastSuccessAt: lastSent === null ? null : new Date(lastSent),
      lastError: error?.last_error ? { message: error.last_error, queuedAt: new Date(Number(error.created_at)) } : null,
    });
  }
  return result;
}
