import { type Kysely, sql } from 'kysely';

/** The kinds of proof a reset flow has collected so far (a JSON array), for policies that need two. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('proven', 'text', (c) => c.notNull().defaultTo(sql`'[]'`)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').dropColumn('proven').execute();
}
