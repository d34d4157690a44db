import type { Kysely } from 'kysely';

/**
 * The language a reset or unlock flow was started in (issue 12): its code mail, its SMS and the notice at its
 * end are written in it, whichever page sends them. Null for flows started before, and by clients that name none.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('lang', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').dropColumn('lang').execute();
}
