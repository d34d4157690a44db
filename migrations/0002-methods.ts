import type { Kysely } from 'kysely';

/**
 * Registered verification methods (issue 3): one row per credential — a TOTP seed, each backup code, a
 * passkey, a verified contact address. Secrets are sealed by the application before they get here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('methods')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(128)', (c) => c.notNull())
    /** Sealed (AES-GCM under the key ring) secret material, e.g. a TOTP seed; null when the method has none. */
    .addColumn('secret', 'text')
    /** JSON of public material: a backup code's MAC and key id, a passkey's public key and counter, an address. */
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    /** TOTP: the last time step accepted, so a code cannot be used twice. */
    .addColumn('last_used_step', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    /** Single-use credentials (backup codes): when it was spent. */
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema.createIndex('methods_subject').on('methods').columns(['tenant_id', 'subject_id', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('methods').ifExists().execute();
}
