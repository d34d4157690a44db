import { sql, type Kysely } from 'kysely';

/**
 * Issue 8: one live flow per account, even when starts race on several nodes. A unique partial index on
 * (tenant, supersede key) over the live states lets the store itself refuse a second live flow; a start
 * supersedes the old one and inserts in one transaction, and retries when another node's start won.
 * Flows that are already doubled (the race this closes) are settled first: the newest stays live.
 * The live states are spelled out here, not imported, so this migration never changes after it ran.
 */
const LIVE = sql`('awaiting_code', 'awaiting_second_proof', 'awaiting_password', 'awaiting_unlock')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update reset_flows set state = 'superseded', code_hash = null, sms_code_hash = null, link_hash = null, version = version + 1
    where state in ${LIVE} and exists (
      select 1 from reset_flows newer
      where newer.tenant_id = reset_flows.tenant_id and newer.supersede_key = reset_flows.supersede_key
        and newer.state in ${LIVE}
        and (newer.created_at > reset_flows.created_at or (newer.created_at = reset_flows.created_at and newer.id > reset_flows.id))
    )`.execute(db);
  await db.schema
    .createIndex('reset_flows_one_live')
    .unique()
    .on('reset_flows')
    .columns(['tenant_id', 'supersede_key'])
    .where(sql<boolean>`state in ${LIVE}`)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('reset_flows_one_live').execute();
}
