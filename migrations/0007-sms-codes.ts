import type { Kysely } from 'kysely';

/**
 * SMS codes (issue 3, method 4).
 * - `reset_flows`: the code texted for a second proof — its HMAC and key id (never the code), the phone
 *   method it went to, and when it expires.
 * - `methods.confirm_attempts`: wrong codes typed while confirming a new phone number, counted
 *   atomically so concurrent guesses cannot exceed the limit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('sms_code_hash', 'text').execute();
  await db.schema.alterTable('reset_flows').addColumn('sms_code_key_id', 'varchar(64)').execute();
  await db.schema.alterTable('reset_flows').addColumn('sms_method_id', 'varchar(64)').execute();
  await db.schema.alterTable('reset_flows').addColumn('sms_code_expires_at', 'bigint').execute();
  await db.schema.alterTable('methods').addColumn('confirm_attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('methods').dropColumn('confirm_attempts').execute();
  for (const column of ['sms_code_expires_at', 'sms_method_id', 'sms_code_key_id', 'sms_code_hash']) {
    await db.schema.alterTable('reset_flows').dropColumn(column).execute();
  }
}
