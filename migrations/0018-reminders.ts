import type { Kysely } from 'kysely';

/**
 * Issue 10: reminders go out once each. A reminder is one row, keyed by the person, its kind (`enrolment`,
 * `expiry`) and its round (`r1`, `o2`, or an expiry date with its threshold), inserted in the transaction that
 * queues its mail: a second node (or a second run) that tries the same reminder finds the row and sends nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('reminders_sent')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('round_key', 'varchar(96)', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    // False for the row that only notes when a person was first found uncovered (no mail went out).
    .addColumn('mailed', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('reminders_sent_pk', ['tenant_id', 'subject_id', 'kind', 'round_key'])
    .execute();
  await db.schema.createIndex('reminders_sent_kind').on('reminders_sent').columns(['tenant_id', 'kind', 'sent_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('reminders_sent').execute();
}
