import type { Kysely, Transaction } from 'kysely';
import type { ReportRuns } from '../../core/ports/report-runs.js';
import type { StoreTx } from '../../core/ports/store.js';
import type { Database } from './schema.js';

/**
 * Claims of scheduled report runs in `report_runs` (migration 0014). The claim is an insert that the unique key
 * `(schedule_key, due_at)` lets only one node win; a stale unfinished claim is taken over by a conditional
 * update, which again only one node wins.
 */
export class SqlReportRuns implements ReportRuns {
  constructor(private readonly db: Kysely<Database>) {}

  async claim(scheduleKey: string, dueAt: Date, node: string, now: Date, staleBefore: Date): Promise<boolean> {
    const inserted = await this.db
      .insertInto('report_runs')
      .values({ schedule_key: scheduleKey, due_at: dueAt.getTime(), claimed_by: node, claimed_at: now.getTime(), finished_at: null })
      .onConflict((oc) => oc.columns(['schedule_key', 'due_at']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
    const taken = await this.db
      .updateTable('report_runs')
      .set({ claimed_by: node, claimed_at: now.getTime() })
      .where('schedule_key', '=', scheduleKey)
      .where('due_at', '=', dueAt.getTime())
      .where('finished_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_by', '=', node), eb('claimed_at', '<', staleBefore.getTime())]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  async finish(tx: StoreTx, scheduleKey: string, dueAt: Date, node: string, now: Date): Promise<boolean> {
    const trx = tx.native as Transaction<Database>;
    const done = await trx
      .updateTable('report_runs')
      .set({ finished_at: now.getTime() })
      .where('schedule_key', '=', scheduleKey)
      .where('due_at', '=', dueAt.getTime())
      .where('claimed_by', '=', node)
      .where('finished_at', 'is', null)
      .executeTakeFirst();
    return Number(done.numUpdatedRows) === 1;
  }
}
