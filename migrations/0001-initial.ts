import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * Users, reset flows, the audit hash chain, the outbox and the dev outbox. Portable SQL only.
 * Few indexes on random keys: every index a row lands in at a random place costs a page write per commit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('username', 'varchar(256)', (c) => c.notNull())
    .addColumn('username_norm', 'varchar(256)', (c) => c.notNull())
    .addColumn('email', 'varchar(320)')
    .addColumn('email_norm', 'varchar(320)')
    .addColumn('phone', 'varchar(32)')
    .addColumn('display_name', 'varchar(256)')
    .addColumn('groups', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('password_hash', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('password_changed_at', 'bigint')
    .execute();
  await db.schema.createIndex('users_tenant_username').on('users').columns(['tenant_id', 'username_norm']).unique().execute();
  await db.schema.createIndex('users_tenant_email').on('users').columns(['tenant_id', 'email_norm']).execute();

  await db.schema
    .createTable('reset_flows')
    .addColumn('handle_hash', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('id', 'varchar(64)', (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)')
    .addColumn('decoy', 'integer', (c) => c.notNull())
    .addColumn('supersede_key', 'varchar(300)', (c) => c.notNull())
    .addColumn('rate_key', 'varchar(256)', (c) => c.notNull())
    .addColumn('state', 'varchar(32)', (c) => c.notNull())
    .addColumn('code_hash', 'varchar(128)')
    .addColumn('code_key_id', 'varchar(32)')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reset_flows_supersede').on('reset_flows').columns(['tenant_id', 'supersede_key', 'state']).execute();
  await db.schema.createIndex('reset_flows_expiry').on('reset_flows').columns(['expires_at']).execute();

  await db.schema
    .createTable('audit_log')
    // SQLite: INTEGER PRIMARY KEY is the row id itself, no separate index.
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) => c.primaryKey())
    .addColumn('id', 'varchar(64)', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)')
    .addColumn('flow_id', 'varchar(64)')
    .addColumn('ip', 'varchar(64)')
    .addColumn('user_agent', 'varchar(256)')
    .addColumn('correlation_id', 'varchar(64)')
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_tenant_at').on('audit_log').columns(['tenant_id', 'at']).execute();

  await db.schema
    .createTable('audit_head')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'varchar(64)', (c) => c.notNull())
    .execute();
  await sql`insert into audit_head (id, seq, hash) values (1, 0, ${'0'.repeat(64)})`.execute(db);

  await db.schema
    .createTable('outbox')
    .addColumn('idempotency_key', 'varchar(128)', (c) => c.primaryKey())
    .addColumn('channel', 'varchar(16)', (c) => c.notNull())
    .addColumn('template', 'varchar(64)', (c) => c.notNull())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('flow_id', 'varchar(64)')
    .addColumn('subject_id', 'varchar(64)')
    .addColumn('payload', 'text')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('claimed_until', 'bigint')
    .addColumn('claimed_by', 'varchar(64)')
    .addColumn('last_error', 'varchar(256)')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('dev_outbox')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dev_outbox_created').on('dev_outbox').columns(['created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['dev_outbox', 'outbox', 'audit_head', 'audit_log', 'reset_flows', 'users']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
