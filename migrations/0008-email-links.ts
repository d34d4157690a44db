import type { Kysely } from 'kysely';

/**
 * Email links (issue 3, method 3): the SHA-256 of the link's token, so the link alone finds its flow.
 * The token itself lives only in the (sealed, erased-after-delivery) outbox message.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('link_hash', 'varchar(64)').execute();
  await db.schema.createIndex('reset_flows_link_hash').on('reset_flows').column('link_hash').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reset_flows_link_hash').execute();
  await db.schema.alterTable('reset_flows').dropColumn('link_hash').execute();
}
