import type { Kysely } from 'kysely';

/**
 * Issue 9: the overview's registration coverage. Counting it means listing every person of every directory,
 * far too slow for a page, so each full run of the coverage report (viewed, exported or mailed) keeps its
 * totals here, and the overview shows the latest with its time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('coverage_snapshots')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('people', 'integer', (c) => c.notNull())
    .addColumn('covered', 'integer', (c) => c.notNull())
    .addColumn('computed_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('coverage_snapshots').execute();
}
