import type { Kysely } from 'kysely';

/** When each person last confirmed their methods are still current (the policy's `reconfirmDays`). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('method_reviews')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('reviewed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('method_reviews_pk', ['tenant_id', 'subject_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('method_reviews').ifExists().execute();
}
