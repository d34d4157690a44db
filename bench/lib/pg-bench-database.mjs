// The production phase's throwaway PostgreSQL database (created on the local server, dropped after) and a
// sampler of lock waits in it: how often backends of the bench database stand waiting on a row or
// transaction lock, which is how serialised writes (e.g. one hot row) show up.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.UNLATCH_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `unlatch_bench_<random>`; `drop()` removes it even with connections left open. */
export async function createBenchDatabase(adminUrl = PG_ADMIN_URL) {
  const name = `unlatch_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const { rows } = await admin.query('SHOW server_version');
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return { name, url: url.href, serverVersion: rows[0].server_version, drop: () => dropDatabase(adminUrl, name) };
  } finally {
    await admin.end();
  }
}

async function dropDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** CPU time (user + system, in ms) of a local process from /proc, or null where there is none. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in USER_HZ (100) ticks
  } catch {
    return null;
  }
}

/**
 * Samples pg_stat_activity every `intervalMs` while running; `stop()` returns the averages, and the CPU the
 * database's backends used meanwhile (from /proc: the server is local), so PostgreSQL's share of the cores
 * is told apart from other processes'.
 */
export function sampleLockWaits(url, database, intervalMs = 50) {
  const client = new pg.Client({ connectionString: url });
  const totals = { samples: 0, active: 0, lockWaits: 0, samplesWithWaits: 0, byEvent: {}, byStatement: {} };
  /** backend pid → [cpu ms when first seen, cpu ms when last seen] */
  const backendCpu = new Map();
  const startedAt = Date.now();
  let timer = null;
  let wake = null;
  let running = true;
  const ready = client.connect();
  const tick = async () => {
    const { rows } = await client.query(
      `SELECT pid, state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS statement FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database],
    );
    totals.samples += 1;
    let waits = 0;
    for (const row of rows) {
      const cpu = processCpuMs(row.pid);
      if (cpu !== null) backendCpu.set(row.pid, [backendCpu.get(row.pid)?.[0] ?? cpu, cpu]);
      if (row.state === 'active' && row.wait_event !== 'ClientRead') totals.active += 1;
      if (row.wait_event_type === 'Lock') {
        waits += 1;
        totals.byEvent[row.wait_event] = (totals.byEvent[row.wait_event] ?? 0) + 1;
        // Which statement waits: it names the row everyone queues for.
        totals.byStatement[row.statement] = (totals.byStatement[row.statement] ?? 0) + 1;
      }
    }
    totals.lockWaits += waits;
    if (waits > 0) totals.samplesWithWaits += 1;
  };
  const loop = async () => {
    await ready;
    while (running) {
      await tick();
      await new Promise((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  };
  const done = loop();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      wake?.();
      await done.catch(() => {});
      await client.end();
      const n = Math.max(1, totals.samples);
      const wallMs = Math.max(1, Date.now() - startedAt);
      const backendMs = [...backendCpu.values()].reduce((a, [first, last]) => a + (last - first), 0);
      return {
        postgresCores: backendMs / wallMs,
        samples: totals.samples,
        avgActive: totals.active / n,
        avgLockWaits: totals.lockWaits / n,
        shareWithWaits: totals.samplesWithWaits / n,
        byEvent: Object.fromEntries(Object.entries(totals.byEvent).map(([event, count]) => [event, count / n])),
        /** The statements seen waiting on a lock, most waited first: average number of backends per sample. */
        byStatement: Object.entries(totals.byStatement).sort((a, b) => b[1] - a[1]).map(([statement, count]) => ({ statement, waiting: count / n })),
      };
    },
  };
}
