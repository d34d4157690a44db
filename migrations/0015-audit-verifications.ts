import type { Kysely } from 'kysely';

/**
 * Issue 9: `audit_verifications`, the record of audit log verifications (console and `unlatch audit verify`):
 * who started each, when, how far it got, how it ended. The log is global, so the table has no tenant.
 * A partial unique index admits one `running` row: the claim that lets one verification run at a time across
 * every node (a running row whose heartbeat went silent is failed before a new one is claimed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_verifications')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .addColumn('started_by', 'varchar(256)', (c) => c.notNull())
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('entries_checked', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('entries_total', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('chains', 'integer')
    .addColumn('first_problem', 'text')
    .addColumn('digest', 'varchar(64)')
    .addColumn('heartbeat_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_verifications_one_running')
    .on('audit_verifications')
    .column('status')
    .unique()
    .where((eb) => eb('status', '=', 'running'))
    .execute();
  await db.schema.createIndex('audit_verifications_started').on('audit_verifications').column('started_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_verifications').ifExists().execute();
}
