import type { Kysely, Transaction } from 'kysely';
import type { MethodKind } from '../../core/ports/methods.js';
import type { MethodKindsBySubject, ReminderKind, ReminderLedger, SentReminder } from '../../core/ports/reminder-ledger.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database } from './schema.js';

/**
 * Reminders recorded in `reminders_sent` (migration 0018). The primary key (tenant, subject, kind, round) is
 * what makes each reminder go out once: the insert that records it runs in the transaction that queues the
 * mail, and `ON CONFLICT DO NOTHING` lets exactly one transaction insert it, on SQLite and PostgreSQL alike.
 */
export class SqlReminderLedger implements ReminderLedger, MethodKindsBySubject {
  constructor(private readonly db: Kysely<Database>) {}

  async record(tx: StoreTx, entry: { tenantId: string; subjectId: string; kind: ReminderKind; round: string; at: Date; mailed: boolean }): Promise<boolean> {
    const trx = tx.native as Transaction<Database>;
    const inserted = await trx
      .insertInto('reminders_sent')
      .values({ tenant_id: entry.tenantId, subject_id: entry.subjectId, kind: entry.kind, round_key: entry.round, sent_at: entry.at.getTime(), mailed: entry.mailed ? 1 : 0 })
      .onConflict((oc) => oc.columns(['tenant_id', 'subject_id', 'kind', 'round_key']).doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async sentBySubject(tenantId: string, kind: ReminderKind, since?: Date): Promise<Map<string, SentReminder[]>> {
    let query = this.db
      .selectFrom('reminders_sent')
      .select(['subject_id', 'round_key', 'sent_at', 'mailed'])
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind);
    if (since) query = query.where('sent_at', '>=', since.getTime());
    const bySubject = new Map<string, SentReminder[]>();
    for (const row of await query.orderBy('sent_at').execute()) {
      const list = bySubject.get(row.subject_id) ?? [];
      list.push({ subjectId: row.subject_id, round: row.round_key, at: new Date(Number(row.sent_at)), mailed: Number(row.mailed) === 1 });
      bySubject.set(row.subject_id, list);
    }
    return bySubject;
  }

  async countsByRound(tenantId: string, kind: ReminderKind, since?: Date): Promise<Array<{ round: string; count: number }>> {
    let query = this.db
      .selectFrom('reminders_sent')
      .select(['round_key'])
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('kind', '=', kind)
      .where('mailed', '=', 1);
    if (since) query = query.where('sent_at', '>=', since.getTime());
    const rows = await query.groupBy('round_key').execute();
    // Expiry rounds carry the expiry time; the console counts them by threshold.
    const counts = new Map<string, number>();
    for (const row of rows) {
      const round = kind === 'expiry' ? row.round_key.slice(row.round_key.lastIndexOf('/') + 1) : row.round_key;
      counts.set(round, (counts.get(round) ?? 0) + Number(row.n));
    }
    return [...counts].map(([round, count]) => ({ round, count })).sort((a, b) => roundOrder(a.round) - roundOrder(b.round) || a.round.localeCompare(b.round));
  }

  async kindsBySubject(tenantId: string): Promise<Map<string, MethodKind[]>> {
    const rows = await this.db
      .selectFrom('methods')
      .select(['subject_id', 'kind'])
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('confirmed', '=', 1)
      .where((eb) => eb.or([eb('kind', '<>', 'backup_code'), eb('used_at', 'is', null)]))
      .execute();
    const kinds = new Map<string, MethodKind[]>();
    for (const row of rows) {
      const list = kinds.get(row.subject_id) ?? [];
      list.push(row.kind as MethodKind);
      kinds.set(row.subject_id, list);
    }
    return kinds;
  }
}

// r1, r2, … then o1, o2, …; expiry thresholds longest first (14d before 7d).
function roundOrder(round: string): number {
  const n = Number(round.replace(/\D/g, '')) || 0;
  if (round.startsWith('r')) return n;
  if (round.startsWith('o')) return 1000 + n;
  return 10_000 - n;
}
