import type { Kysely } from 'kysely';

/**
 * Issue 10: the built-in store's one-time passwords. A helpdesk agent may set a password the person must
 * change at their next sign-in (as AD's `pwdLastSet = 0` and ppolicy's `pwdReset` do): 1 until the person
 * (or any later write without the mark) sets a password again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('must_change', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('must_change').execute();
}
