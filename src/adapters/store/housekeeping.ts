import type { Kysely } from 'kysely';
import { purgeHelpdeskAndReminders, type HelpdeskPurgeReport } from './helpdesk-housekeeping.js';
import { purgeFraudTokens, type FraudPurgeReport } from './fraud-store.js';
import type { Database } from './schema.js';

const DAY_MS = 86_400_000;

/** What housekeeping removed, for the log. */
export interface PurgeReport extends HelpdeskPurgeReport, FraudPurgeReport {
  flows: number;
  outbox: number;
  devOutbox: number;
}

/**
 * Deletes what nobody can use any more: reset flows a day past their expiry, delivered or given-up outbox
 * rows older than the retention, dev-outbox mail beyond the newest `devOutboxKeep`, and ended helpdesk checks,
 * access passes, approval requests and old expiry reminder rows (see `purgeHelpdeskAndReminders`), expired
 * "this wasn't me" links and rating tokens (`purgeFraudTokens`). The audit
 * log keeps the history; it is never purged here.
 */
export async function purgeExpired(
  db: Kysely<Database>,
  now: Date,
  options: { outboxRetentionDays: number; devOutboxKeep: number },
): Promise<PurgeReport> {
  const flows = await db.deleteFrom('reset_flows').where('expires_at', '<', now.getTime() - DAY_MS).executeTakeFirst();
  const outbox = await db
    .deleteFrom('outbox')
    .where('status', 'in', ['sent', 'dropped', 'dead'])
    .where('created_at', '<', now.getTime() - options.outboxRetentionDays * DAY_MS)
    .executeTakeFirst();
  const keepFrom = await db.selectFrom('dev_outbox').select('id').orderBy('id', 'desc').offset(options.devOutboxKeep).limit(1).executeTakeFirst();
  const devOutbox = keepFrom ? await db.deleteFrom('dev_outbox').where('id', '<=', keepFrom.id).executeTakeFirst() : { numDeletedRows: 0n };
  const helpdesk = await purgeHelpdeskAndReminders(db, now);
  const fraud = await purgeFraudTokens(db, now);
  return { flows: Number(flows.numDeletedRows), outbox: Number(outbox.numDeletedRows), devOutbox: Number(devOutbox.numDeletedRows), ...helpdesk, ...fraud };
}
