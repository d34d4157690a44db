import type { Kysely } from 'kysely';

/**
 * Single-use WebAuthn challenges (passkey registration, reset and sign-in ceremonies).
 *
 * A table of its own rather than columns on `reset_flows` and `sessions`: the three ceremonies have
 * three different owners (a reset flow, a sign-in session, a full session registering a passkey), and one
 * table with one atomic "take" (DELETE … WHERE purpose, owner, not expired) gives every ceremony the same
 * single-use rule without touching the flow's optimistic version or the session row. `owner` is the reset
 * flow's internal id or the SHA-256 of a session token — never a bearer secret. `context` holds small
 * non-secret data the finishing step needs (the passkey name chosen at the start).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('challenges')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    /** `register`, `reset` or `signin`. */
    .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
    .addColumn('owner', 'varchar(128)', (c) => c.notNull())
    /** base64url, as sent to the browser; public once sent, useless after it is taken. */
    .addColumn('challenge', 'varchar(128)', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('challenges_owner').on('challenges').columns(['purpose', 'owner']).execute();
  await db.schema.createIndex('challenges_expiry').on('challenges').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('challenges').ifExists().execute();
}
