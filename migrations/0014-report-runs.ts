import type { Kysely } from 'kysely';

/**
 * Issue 9: scheduled reports run once across nodes. A node claims a due run by inserting
 * `(schedule_key, due_at)`; the primary key lets one insert win. `finished_at` is set in the transaction that
 * queues the run's mails; an unfinished claim older than a while is taken over (its node died).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_runs')
    .addColumn('schedule_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('claimed_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addPrimaryKeyConstraint('report_runs_pk', ['schedule_key', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_runs').execute();
}
