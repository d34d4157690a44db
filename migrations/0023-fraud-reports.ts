import type { Kysely } from 'kysely';

/**
 * Issue 11 (SLIs M3 and M8): "this wasn't me" reports, fraud labels and the anonymous friction rating.
 * - `report_links`: the single-use link in every notice about an account, stored as a SHA-256 hash only, with
 *   the account, the flow or event it is about, and an expiry; `used_at` is set by the one POST that spends it.
 * - `self_service_holds`: accounts whose self-service (reset, unlock) is paused because the person said a
 *   change was not them; an operator clears it.
 * - `fraud_labels`: `fraud` / `legitimate` labels of a flow or change, by the person or an operator (M3).
 * - `rating_tokens`: the done page's single-use rating form token, hashed, with an expiry and nothing else:
 *   no flow, person, address or cookie, so an answer cannot be traced back.
 * - `friction_ratings`: the answers as counts only, per tenant, flow kind (`reset`, `change`), UTC day and rating (M8).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_links')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('flow_id', 'varchar(64)')
    .addColumn('event', 'varchar(32)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('report_links_expiry').on('report_links').column('expires_at').execute();

  await db.schema
    .createTable('self_service_holds')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('reason', 'varchar(32)', (c) => c.notNull())
    .addColumn('flow_id', 'varchar(64)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('self_service_holds_pk', ['tenant_id', 'subject_id'])
    .execute();

  await db.schema
    .createTable('fraud_labels')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)')
    .addColumn('flow_id', 'varchar(64)')
    .addColumn('label', 'varchar(16)', (c) => c.notNull())
    .addColumn('source', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor', 'varchar(255)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fraud_labels_tenant').on('fraud_labels').columns(['tenant_id', 'created_at']).execute();

  await db.schema
    .createTable('rating_tokens')
    .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('friction_ratings')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('flow', 'varchar(16)', (c) => c.notNull())
    .addColumn('day', 'varchar(10)', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('friction_ratings_pk', ['tenant_id', 'flow', 'day', 'rating'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['friction_ratings', 'rating_tokens', 'fraud_labels', 'self_service_holds', 'report_links']) await db.schema.dropTable(table).execute();
}
