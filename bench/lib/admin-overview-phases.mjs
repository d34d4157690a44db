// The admin bench's work on one database (SQLite or PostgreSQL): seed, migrate, measure. Imports the build (dist/).
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator } from 'kysely';
import pg from 'pg';
import { alignHeads, auditRows, insertPostgres, insertSqlite } from './audit-log-seed.mjs';
import { ms, percentile, table } from './stats.mjs';

const dist = (path) => import(new URL(`../../dist/${path}`, import.meta.url).href);

/** Median and p90 of `runs` timed calls, after two untimed ones (caches, statement preparation). */
async function timed(runs, fn) {
  let last;
  for (let i = 0; i < 2; i += 1) last = await fn();
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    last = await fn();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { median: percentile(samples, 50), p90: percentile(samples, 90), min: Math.min(...samples), max: Math.max(...samples), last };
}

const seconds = (t) => Number(process.hrtime.bigint() - t) / 1e9;

/** Seeds and measures one database; returns the figures. */
export async function runTarget({ kind, url, path, tenantId, endMs, options, say }) {
  const { openDatabase } = await dist('src/adapters/store/database.js');
  const { MIGRATIONS } = await dist('migrations/index.js');
  const { migrateToLatest } = await dist('src/adapters/store/migrate.js');
  const result = { kind };
  say(`\n${kind}: seeding…`);

  // 1. Schema up to 0012, bulk rows, heads aligned; then 0013 as an upgrade runs it.
  let handle = openDatabase(url);
  const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => MIGRATIONS } });
  const to12 = await migrator.migrateTo('0012-admin-console');
  if (to12.error) throw to12.error;
  let t = process.hrtime.bigint();
  let inserted = 0;
  if (kind === 'sqlite') {
    await handle.close();
    const sqlite = new BetterSqlite3(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = OFF');
    for (const rows of auditRows({ entries: options.entries, tenantId, endMs, days: options.days })) {
      insertSqlite(sqlite, rows);
      inserted += rows.length;
    }
    await alignHeads(async (text) => sqlite.prepare(text).run(), false);
    sqlite.close();
    handle = openDatabase(url);
  } else {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const rows of auditRows({ entries: options.entries, tenantId, endMs, days: options.days })) {
        await insertPostgres(client, rows);
        inserted += rows.length;
      }
      await alignHeads((text) => client.query(text), true);
    } finally {
      await client.end();
    }
  }
  result.seedSeconds = seconds(t);
  result.entries = inserted;
  say(`${kind}: ${inserted.toLocaleString('en')} entries inserted in ${result.seedSeconds.toFixed(1)} s; migrating to 0013 (search indexes + rollup backfill)…`);
  t = process.hrtime.bigint();
  await migrateToLatest(handle.db);
  result.migrationSeconds = seconds(t);
  if (kind === 'postgres') {
    // What autovacuum does on its own shortly after a bulk load; done here so plans do not depend on timing.
    const { sql } = await import('kysely');
    await sql`analyze`.execute(handle.db);
  }
  const rollupRows = await handle.db.selectFrom('audit_rollup').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  result.rollupRows = Number(rollupRows.n);
  say(`${kind}: migration 0013 took ${result.migrationSeconds.toFixed(1)} s (${result.rollupRows.toLocaleString('en')} rollup rows); measuring…`);

  try {
    result.overview = await measureOverview(handle, tenantId, endMs, options.runs);
    result.search = await measureSearch(handle, tenantId, endMs, options.runs);
    result.export = await measureExport(handle, tenantId, endMs);
    if (options.appends > 0) result.appends = await measureAppends(handle, tenantId, options.appends);
    if (kind === 'postgres') result.sizes = await postgresSizes(handle);
  } finally {
    await handle.close();
  }
  return result;
}

async function measureOverview(handle, tenantId, endMs, runs) {
  const { SqlAuditStats } = await dist('src/adapters/store/audit-rollup.js');
  const { loadOverview } = await dist('src/core/admin/overview.js');
  const stats = new SqlAuditStats(handle.db);
  const out = {};
  for (const period of ['24h', '7d', '30d', '90d']) {
    const run = await timed(runs, () => loadOverview({ stats }, tenantId, period, new Date(endMs)));
    const o = run.last;
    out[period] = { median: run.median, p90: run.p90, started: o.resets.started, completed: o.resets.completed, p50Ms: o.timeToReset.p50Ms, p95Ms: o.timeToReset.p95Ms };
  }
  return out;
}

async function measureSearch(handle, tenantId, endMs, runs) {
  const { SqlAuditSearch } = await dist('src/adapters/store/audit-search.js');
  const { encodeAuditCursor } = await dist('src/core/admin/audit-filter.js');
  const search = new SqlAuditSearch(handle.db);
  const day = 86_400_000;
  const middle = await handle.db.selectFrom('audit_log').select(['at', 'seq', 'id', 'flow_id', 'ip', 'subject_id']).where('at', '<=', endMs - 60 * day).where('flow_id', 'is not', null).where('ip', 'is not', null).orderBy('at', 'desc').limit(1).executeTakeFirstOrThrow();
  const deep = encodeAuditCursor({ at: Number(middle.at), seq: Number(middle.seq) });
  const subjectCount = await handle.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId).where('subject_id', '=', middle.subject_id).executeTakeFirstOrThrow();
  const cases = [
    ['first page, no filter', { tenantId }, null],
    ['page 60 days back (cursor), no filter', { tenantId }, deep],
    ['event reset.completed', { tenantId, event: 'reset.completed' }, null],
    ['event prefix reset.', { tenantId, event: 'reset.' }, null],
    ['events account.unlocked + password.changed', { tenantId, event: ['account.unlocked', 'password.changed'] }, null],
    ['rare event never written', { tenantId, event: 'method.passkey_clone_suspected' }, null],
    [`person (${Number(subjectCount.n)} entries)`, { tenantId, subjectId: middle.subject_id }, null],
    ['IP', { tenantId, ip: middle.ip }, null],
    ['flow id', { tenantId, flowId: middle.flow_id }, null],
    ['outcome denied', { tenantId, outcome: 'denied' }, null],
    ['one day, 45 days back', { tenantId, from: new Date(endMs - 45 * day), to: new Date(endMs - 44 * day) }, null],
    ['one day 45 days back + decoys', { tenantId, event: 'reset.started', outcome: 'decoy', from: new Date(endMs - 45 * day), to: new Date(endMs - 44 * day) }, null],
    ['actor system, 80+ days back', { tenantId, actor: 'system', to: new Date(endMs - 80 * day) }, null],
  ];
  const out = [];
  for (const [name, filter, after] of cases) {
    const run = await timed(runs, () => search.search(filter, { after, limit: 50 }));
    out.push({ name, median: run.median, p90: run.p90, rows: run.last.entries.length });
  }
  const got = await timed(runs, () => search.get(tenantId, middle.id));
  out.push({ name: 'one entry by id', median: got.median, p90: got.p90, rows: got.last ? 1 : 0 });
  return out;
}

async function measureExport(handle, tenantId, endMs) {
  const { SqlAuditSearch } = await dist('src/adapters/store/audit-search.js');
  const { auditCsv } = await dist('src/core/admin/audit-export.js');
  const search = new SqlAuditSearch(handle.db);
  const t = process.hrtime.bigint();
  let rows = -1;
  let bytes = 0;
  for await (const line of auditCsv(search.stream({ tenantId, from: new Date(endMs - 7 * 86_400_000) }))) {
    rows += 1;
    bytes += Buffer.byteLength(line);
  }
  const s = seconds(t);
  return { what: 'CSV of the last 7 days', rows, bytes, seconds: s, rowsPerSecond: rows / s };
}

/** 0013's search indexes (as the migration creates them), to drop and put back for the append comparison. */
const SEARCH_INDEXES = {
  audit_log_tenant_event: 'audit_log (tenant_id, event, at, seq)',
  audit_log_tenant_actor: 'audit_log (tenant_id, actor, at, seq)',
  audit_log_tenant_subject: 'audit_log (tenant_id, subject_id, at, seq) where subject_id is not null',
  audit_log_tenant_ip: 'audit_log (tenant_id, ip, at, seq) where ip is not null',
  audit_log_tenant_flow: 'audit_log (tenant_id, flow_id, at, seq) where flow_id is not null',
  audit_log_id: 'audit_log (id)',
};

/**
 * Appends through the real store (rollup included), one transaction of 3 entries at a time: with 0013's search
 * indexes, without them, and with them again (the order evens out warming); plus the rollup upsert alone.
 */
async function measureAppends(handle, tenantId, count) {
  const { sql } = await import('kysely');
  const { SqlStore } = await dist('src/adapters/store/sql-store.js');
  const { rollupRowsOf, addToRollup } = await dist('src/adapters/store/audit-rollup.js');
  const { Sealer } = await dist('src/core/crypto/sealer.js');
  const { KeyRing } = await dist('src/core/crypto/key-ring.js');
  const store = new SqlStore(handle, new Sealer(new KeyRing([{ id: 'k1', secret: randomBytes(32) }]), 'outbox-seal'), { now: () => new Date() });
  const entriesOf = (i) => {
    const flowId = `bench-${i}-${randomBytes(6).toString('hex')}`;
    const base = { tenantId, actor: 'self', subjectId: `u${i % 20000}`, flowId, ip: `10.1.${i % 250}.${(i >> 8) % 250}`, userAgent: 'bench', correlationId: flowId };
    return [
      { ...base, event: 'reset.started', outcome: 'success', details: { channel: 'email', purpose: 'reset' } },
      { ...base, event: 'reset.code_verified', outcome: 'success', details: { method: 'email_code', complete: true, proof: 1, purpose: 'reset' } },
      { ...base, event: 'reset.completed', outcome: 'success', details: { durationMs: 61000, methods: ['email_code'] } },
    ];
  };
  let n = 0;
  const measure = async (work) => {
    const samples = [];
    for (let i = 0; i < count; i += 1) {
      const t = process.hrtime.bigint();
      await work(n++);
      samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return { median: percentile(samples, 50), p99: percentile(samples, 99), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
  };
  const append = (i) => store.transaction(async (tx) => {
    for (const entry of entriesOf(i)) await tx.audit.append(entry);
  });
  await measure(append); // warm-up, not reported
  const withIndexes = await measure(append);
  for (const index of Object.keys(SEARCH_INDEXES)) await sql.raw(`drop index ${index}`).execute(handle.db);
  const withoutIndexes = await measure(append);
  for (const [index, definition] of Object.entries(SEARCH_INDEXES)) await sql.raw(`create index ${index} on ${definition}`).execute(handle.db);
  const withIndexesAgain = await measure(append);
  // The rollup's share: the same rows upserted in a transaction of their own (chain 0), nothing else in it.
  const rollupAlone = await measure((i) => handle.db.transaction().execute((trx) =>
    addToRollup(trx, [...rollupRowsOf(entriesOf(i).map((e) => ({ ...e, at: Date.now(), chain: 0 }))).values()])));
  const emptyTransaction = await measure(() => handle.db.transaction().execute((trx) => sql`select 1`.execute(trx)));
  return { transactions: count, entriesPerTransaction: 3, withIndexes, withoutIndexes, withIndexesAgain, rollupAlone, emptyTransaction };
}

async function postgresSizes(handle) {
  const { sql } = await import('kysely');
  const rows = await sql`select relname as name, pg_total_relation_size(oid) as bytes from pg_class where relname in ('audit_log', 'audit_rollup')`.execute(handle.db);
  return Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.bytes)]));
}

/** Prints one database's results. */
export function printTarget(label, r, targetMs, say) {
  say(`\n${label} — ${r.entries.toLocaleString('en')} entries: bulk insert ${r.seedSeconds.toFixed(1)} s, migration 0013 ${r.migrationSeconds.toFixed(1)} s, ${r.rollupRows.toLocaleString('en')} rollup rows` +
    (r.fileBytes ? `, file ${(r.fileBytes / 1024 / 1024).toFixed(0)} MB` : '') +
    (r.sizes ? `, audit_log ${(r.sizes.audit_log / 1024 / 1024).toFixed(0)} MB, audit_rollup ${(r.sizes.audit_rollup / 1024 / 1024).toFixed(1)} MB (with indexes)` : ''));
  say('Overview (rollup read + figures):');
  say(table(['period', 'median', 'p90', 'resets started', 'completed', 'time to reset p50 / p95'], Object.entries(r.overview).map(([p, o]) => [p, ms(o.median), ms(o.p90), o.started, o.completed, `${(o.p50Ms / 1000).toFixed(0)} s / ${(o.p95Ms / 1000).toFixed(0)} s`])));
  const worst = Math.max(...Object.values(r.overview).map((o) => o.median));
  say(`${worst < targetMs ? 'PASS' : 'MISS'}: overview median under ${targetMs} ms for every period (slowest ${ms(worst)})`);
  say('Audit search (50 entries a page):');
  say(table(['search', 'median', 'p90', 'rows'], r.search.map((s) => [s.name, ms(s.median), ms(s.p90), s.rows])));
  say(`Export: ${r.export.what}: ${r.export.rows.toLocaleString('en')} rows, ${(r.export.bytes / 1024 / 1024).toFixed(1)} MB in ${r.export.seconds.toFixed(2)} s (${Math.round(r.export.rowsPerSecond).toLocaleString('en')} rows/s)`);
  if (r.appends) {
    const a = r.appends;
    say(`Appends through the store (${a.transactions} transactions of 3 entries, rollup included), one at a time:`);
    const row = (name, m) => [name, ms(m.median), ms(m.p99), ms(m.mean)];
    say(table(['', 'median', 'p99', 'mean'], [
      row('with 0013 search indexes', a.withIndexes),
      row('without them', a.withoutIndexes),
      row('with them again', a.withIndexesAgain),
      row('rollup upsert alone (own transaction)', a.rollupAlone),
      row('empty transaction', a.emptyTransaction),
    ]));
  }
}
