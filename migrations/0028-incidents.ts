import type { Kysely } from 'kysely';

/**
 * Issue 13 (item 5): bulk forced resets after an incident (docs/incident-response.md).
 * - `incidents`: one job: tenant, mode (`lock` or `strict`), where its people came from, reason, operator, dry
 *   run or real, state (`running`, `finished`, `ended`), the expiry of its holds or overrides, timestamps.
 * - `incident_people`: one row per listed person (`seq` keeps the file's or the directory's order): the account
 *   (null when the identifier matched nobody), its state (`pending`, `done`, `failed`, `skipped`) and why.
 * - `policy_overrides`: a stricter policy for one account until it expires (`strict` mode): the reset policy
 *   asks it for every decision about the person.
 * - `self_service_holds` gains `expires_at` (null: until an operator ends it, as for "this wasn't me") and
 *   `incident_id`, so a `lock` incident's holds end by themselves and can be ended together.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('mode', 'varchar(16)', (c) => c.notNull())
    .addColumn('source', 'varchar(300)', (c) => c.notNull())
    .addColumn('source_key', 'varchar(128)', (c) => c.notNull())
    .addColumn('reason', 'varchar(500)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(255)', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    .execute();
  await db.schema.createIndex('incidents_tenant').on('incidents').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('incidents_source').on('incidents').columns(['tenant_id', 'source_key']).execute();

  await db.schema
    .createTable('incident_people')
    .addColumn('incident_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('identifier', 'varchar(320)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)')
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('reason', 'varchar(64)')
    .addColumn('notes', 'varchar(255)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_people_pk', ['incident_id', 'seq'])
    .execute();
  await db.schema.createIndex('incident_people_state').on('incident_people').columns(['incident_id', 'state', 'seq']).execute();

  await db.schema
    .createTable('policy_overrides')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('incident_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('required_methods', 'integer', (c) => c.notNull())
    .addColumn('require_strong', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_overrides_pk', ['tenant_id', 'subject_id'])
    .execute();

  await db.schema.alterTable('self_service_holds').addColumn('expires_at', 'bigint').execute();
  await db.schema.alterTable('self_service_holds').addColumn('incident_id', 'varchar(64)').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('self_service_holds').dropColumn('incident_id').execute();
  await db.schema.alterTable('self_service_holds').dropColumn('expires_at').execute();
  for (const table of ['policy_overrides', 'incident_people', 'incidents']) await db.schema.dropTable(table).execute();
}
