import type { Kysely } from 'kysely';

/**
 * Issue 13, proof-of-work and attack mode (docs/risk.md).
 * - `proof_of_work_spent`: ids of solved challenges (`c:<salt>`) and used wait tickets (`w:<id>`), each kept until
 *   it expires, so a proof opens one start only, on any node.
 * - `attack_mode_counts`: starts per tenant and minute (unix minute), added to by every node from its own counts.
 * - `attack_mode_state`: per tenant, whether attack mode is on, since when, since when the rate has been calm, and
 *   an operator's override (`auto`, `on`, `off`) with who set it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('proof_of_work_spent')
    .addColumn('id', 'varchar(80)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('proof_of_work_spent_expiry').on('proof_of_work_spent').column('expires_at').execute();

  await db.schema
    .createTable('attack_mode_counts')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('starts', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('attack_mode_counts_pk', ['tenant_id', 'minute'])
    .execute();

  await db.schema
    .createTable('attack_mode_state')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('override', 'varchar(8)', (c) => c.notNull())
    .addColumn('entered_at', 'bigint')
    .addColumn('calm_since', 'bigint')
    .addColumn('changed_by', 'varchar(255)')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attack_mode_state').execute();
  await db.schema.dropTable('attack_mode_counts').execute();
  await db.schema.dropTable('proof_of_work_spent').execute();
}
