import type { Kysely } from 'kysely';

/**
 * Issue 4: one password write per account at a time, and unlock-only flows.
 * - `account_locks`: a lease held while a reset, change or unlock writes to the directory, so two tabs or two
 *   nodes cannot interleave writes to one account. A lease that outlives its holder (a crashed node) expires.
 * - `reset_flows.purpose`: `reset` (a new password) or `unlock` (the person proves who they are, and the
 *   account is only unlocked).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('account_locks')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('holder', 'varchar(64)', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('account_locks_pk', ['tenant_id', 'subject_id'])
    .execute();
  await db.schema.alterTable('reset_flows').addColumn('purpose', 'varchar(16)', (c) => c.notNull().defaultTo('reset')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').dropColumn('purpose').execute();
  await db.schema.dropTable('account_locks').execute();
}
