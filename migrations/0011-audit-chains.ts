import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * Issue 8: several parallel audit hash chains, so nodes do not all queue on one `audit_head` row. Each entry
 * gets its chain and its position in that chain; the existing entries are chain 0 and keep their hashes
 * (chain_seq = seq). `audit_head` gets one row per chain, `id` = chain number: the old single row (id 1)
 * becomes chain 0's. On PostgreSQL the global `seq` now comes from a sequence, which never blocks.
 * Constants are spelled out here, not imported, so this migration never changes after it ran.
 */
const CHAINS = 64;
const GENESIS = '0'.repeat(64);

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_log').addColumn('chain', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('audit_log').addColumn('chain_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update audit_log set chain_seq = seq`.execute(db);
  await db.schema.createIndex('audit_log_chain_seq').unique().on('audit_log').columns(['chain', 'chain_seq']).execute();

  await sql`update audit_head set id = 0 where id = 1`.execute(db);
  for (let chain = 1; chain < CHAINS; chain += 1) {
    await sql`insert into audit_head (id, seq, hash) values (${chain}, 0, ${GENESIS})`.execute(db);
  }

  if (isPostgres(db)) {
    await sql`create sequence audit_log_global_seq`.execute(db);
    await sql`select setval('audit_log_global_seq', coalesce((select max(seq) from audit_log), 0) + 1, false)`.execute(db);
  }
}

/** Only safe while every entry is still in chain 0 (it refuses otherwise rather than lose chains). */
export async function down(db: Kysely<unknown>): Promise<void> {
  const other = await sql<{ n: number }>`select count(*) as n from audit_log where chain <> 0`.execute(db);
  if (Number(other.rows[0]?.n ?? 0) > 0) throw new Error('audit_log has entries in chains other than 0; cannot go back to one chain');
  if (isPostgres(db)) await sql`drop sequence audit_log_global_seq`.execute(db);
  await sql`delete from audit_head where id <> 0`.execute(db);
  await sql`update audit_head set id = 1 where id = 0`.execute(db);
  await db.schema.dropIndex('audit_log_chain_seq').execute();
  await db.schema.alterTable('audit_log').dropColumn('chain_seq').execute();
  await db.schema.alterTable('audit_log').dropColumn('chain').execute();
}

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
