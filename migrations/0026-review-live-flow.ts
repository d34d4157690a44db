import { sql, type Kysely } from 'kysely';

/**
 * Issue 13: a flow held for review (`awaiting_review`, risk action `hold`) is live like the other steps: a newer
 * reset supersedes it, and at most one live flow per account holds. The one-live-flow index of migration 0010 is
 * rebuilt over the live states with the new one. The states are spelled out, not imported (see 0010), and
 * a held flow has no earlier double to settle: the state is new with this migration.
 */
const LIVE = sql`('awaiting_code', 'awaiting_second_proof', 'awaiting_review', 'awaiting_password', 'awaiting_unlock')`;
const LIVE_BEFORE = sql`('awaiting_code', 'awaiting_second_proof', 'awaiting_password', 'awaiting_unlock')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reset_flows_one_live').execute();
  await db.schema.createIndex('reset_flows_one_live').unique().on('reset_flows').columns(['tenant_id', 'supersede_key']).where(sql<boolean>`state in ${LIVE}`).execute();
  // The console's review queue: held flows of a tenant, oldest first.
  await db.schema.createIndex('reset_flows_review').on('reset_flows').columns(['tenant_id', 'created_at']).where(sql<boolean>`state = 'awaiting_review'`).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reset_flows_review').execute();
  // Held flows cannot stay behind a state the older code does not know: they end as expired.
  await sql`update reset_flows set state = 'expired', version = version + 1 where state = 'awaiting_review'`.execute(db);
  await db.schema.dropIndex('reset_flows_one_live').execute();
  await db.schema.createIndex('reset_flows_one_live').unique().on('reset_flows').columns(['tenant_id', 'supersede_key']).where(sql<boolean>`state in ${LIVE_BEFORE}`).execute();
}
