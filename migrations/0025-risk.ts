import type { Kysely } from 'kysely';

/**
 * Issue 13, the risk engine (docs/risk.md):
 * - `reset_flows`: the start's decision (`risk_score`, `risk_action`, `risk_reasons` as JSON of reason, points and
 *   detail; null for flows from before, or with the engine off) and the HMAC of the device cookie it started with.
 * - `risk_devices`: the devices an account completed a reset on, as HMACs bound to the account (never the cookie).
 * - `risk_accounts`: per account, the time and place (country, coordinates; never the address) of the last
 *   successful reset or sign-in, and a 24-hour histogram of its successful resets in the tenant's zone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reset_flows').addColumn('risk_score', 'integer').execute();
  await db.schema.alterTable('reset_flows').addColumn('risk_action', 'varchar(16)').execute();
  await db.schema.alterTable('reset_flows').addColumn('risk_reasons', 'text').execute();
  await db.schema.alterTable('reset_flows').addColumn('risk_device', 'varchar(64)').execute();

  await db.schema
    .createTable('risk_devices')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('device_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('first_seen', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_devices_pk', ['tenant_id', 'subject_id', 'device_hash'])
    .execute();

  await db.schema
    .createTable('risk_accounts')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('subject_id', 'varchar(255)', (c) => c.notNull())
    .addColumn('last_success_at', 'bigint', (c) => c.notNull())
    .addColumn('last_lat', 'double precision')
    .addColumn('last_lon', 'double precision')
    .addColumn('last_country', 'varchar(2)')
    .addColumn('hours', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('risk_accounts_pk', ['tenant_id', 'subject_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('risk_accounts').execute();
  await db.schema.dropTable('risk_devices').execute();
  for (const column of ['risk_device', 'risk_reasons', 'risk_action', 'risk_score']) await db.schema.alterTable('reset_flows').dropColumn(column).execute();
}
