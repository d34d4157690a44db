import type { Kysely } from 'kysely';

/**
 * Issue 10: the helpdesk.
 * - `access_passes`: temporary access passes, stored as the SHA-256 of the normalised pass, with their
 *   lifetime, uses left, and when they were used or revoked.
 * - `helpdesk_checks`: an agent's check of a caller (a code sent to a phone or address and read back, an
 *   authenticator code, a backup code). A pending check holds the HMAC of the code sent; a passed one lets
 *   that agent act for that person and ticket until `valid_until`.
 * - `helpdesk_requests`: actions on protected people, waiting for a second operator (the `admin` role) to
 *   approve or refuse them; an approved request is spent by the action it allows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('access_passes')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('pass_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_by', 'varchar(512)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('uses_left', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('access_passes_subject').on('access_passes').columns(['tenant_id', 'subject_id', 'pass_hash']).execute();

  await db.schema
    .createTable('helpdesk_checks')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('agent', 'varchar(512)', (c) => c.notNull())
    .addColumn('ticket', 'varchar(64)', (c) => c.notNull())
    .addColumn('method_kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('method_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(128)')
    .addColumn('code_key_id', 'varchar(64)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('passed_at', 'bigint')
    .addColumn('valid_until', 'bigint')
    .execute();
  await db.schema.createIndex('helpdesk_checks_subject').on('helpdesk_checks').columns(['tenant_id', 'subject_id', 'agent']).execute();

  await db.schema
    .createTable('helpdesk_requests')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(512)', (c) => c.notNull())
    .addColumn('agent', 'varchar(512)', (c) => c.notNull())
    .addColumn('agent_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('ticket', 'varchar(64)', (c) => c.notNull())
    .addColumn('action', 'varchar(32)', (c) => c.notNull())
    // JSON object of non-secret parameters (a pass's lifetime, a method's id).
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('state', 'varchar(16)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_by', 'varchar(512)')
    .addColumn('decided_at', 'bigint')
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('helpdesk_requests_state').on('helpdesk_requests').columns(['tenant_id', 'state', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('helpdesk_requests').ifExists().execute();
  await db.schema.dropTable('helpdesk_checks').ifExists().execute();
  await db.schema.dropTable('access_passes').ifExists().execute();
}
