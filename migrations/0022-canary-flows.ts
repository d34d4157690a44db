import type { Kysely } from 'kysely';

/**
 * Canary flows (issue 11, synthetic check): a reset of a configured canary account is marked on its flow at
 * the start, so every later step can keep it out of the user-facing SLIs without another lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('canary', 'integer', (col) => col.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').dropColumn('canary').execute();
}
