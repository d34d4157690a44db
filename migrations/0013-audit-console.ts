import type { Kysely } from 'kysely';
import { rebuildAuditRollup } from '../src/adapters/store/audit-rollup-backfill.js';
import type { Database } from '../src/adapters/store/schema.js';

/**
 * Issue 9: the console's audit search and overview.
 *
 * - Indexes for the audit search, which pages newest first by `(at, seq)` behind one equality filter: the
 *   tenant alone, or the tenant and an event, person, flow, IP or actor; and one entry by `id`. Each turns a
 *   filtered page into an index range read, however long the log. `(tenant_id, at, seq)` replaces 0001's
 *   `(tenant_id, at)`, which it covers. Person, flow and IP are partial (`is not null`): entries without
 *   them cost nothing there. Each index is one more page write per append (see bench/RESULTS.md).
 * - `audit_rollup`: counts per tenant, hour and day, event, outcome and dimension (method, limit bucket,
 *   channel, time-to-reset bucket…), by chain (`shard`), kept in each append's transaction; backfilled here
 *   from the entries already stored.
 *
 * The backfill counts by today's rules (`rebuildAuditRollup`), which is what a rollup built now must match;
 * stop every node to cross this migration, as for 0011 (an entry appended meanwhile would be missed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_rollup')
    .addColumn('tenant_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('grain', 'varchar(1)', (c) => c.notNull())
    .addColumn('bucket', 'bigint', (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    .addColumn('dimension', 'varchar(96)', (c) => c.notNull())
    .addColumn('shard', 'integer', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_rollup_pk', ['tenant_id', 'grain', 'bucket', 'event', 'outcome', 'dimension', 'shard'])
    .execute();
  // A tenant's event names, read by skipping from one to the next (the search's event prefixes).
  await db.schema.createIndex('audit_rollup_events').on('audit_rollup').columns(['tenant_id', 'grain', 'event']).execute();

  await db.schema.createIndex('audit_log_tenant_time').on('audit_log').columns(['tenant_id', 'at', 'seq']).execute();
  await db.schema.dropIndex('audit_log_tenant_at').execute();
  await db.schema.createIndex('audit_log_tenant_event').on('audit_log').columns(['tenant_id', 'event', 'at', 'seq']).execute();
  await db.schema.createIndex('audit_log_tenant_actor').on('audit_log').columns(['tenant_id', 'actor', 'at', 'seq']).execute();
  await db.schema
    .createIndex('audit_log_tenant_subject')
    .on('audit_log')
    .columns(['tenant_id', 'subject_id', 'at', 'seq'])
    .where((eb) => eb('subject_id', 'is not', null))
    .execute();
  await db.schema
    .createIndex('audit_log_tenant_ip')
    .on('audit_log')
    .columns(['tenant_id', 'ip', 'at', 'seq'])
    .where((eb) => eb('ip', 'is not', null))
    .execute();
  await db.schema
    .createIndex('audit_log_tenant_flow')
    .on('audit_log')
    .columns(['tenant_id', 'flow_id', 'at', 'seq'])
    .where((eb) => eb('flow_id', 'is not', null))
    .execute();
  await db.schema.createIndex('audit_log_id').on('audit_log').column('id').execute();

  const store = db as Kysely<Database>;
  if (store.isTransaction) await rebuildAuditRollup(store);
  else await store.transaction().execute((trx) => rebuildAuditRollup(trx));
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of ['audit_log_id', 'audit_log_tenant_flow', 'audit_log_tenant_ip', 'audit_log_tenant_subject', 'audit_log_tenant_actor', 'audit_log_tenant_event']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.createIndex('audit_log_tenant_at').on('audit_log').columns(['tenant_id', 'at']).execute();
  await db.schema.dropIndex('audit_log_tenant_time').execute();
  await db.schema.dropTable('audit_rollup').execute();
}
