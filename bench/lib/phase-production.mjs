// Phase P: production shape. Unlatch on one PostgreSQL database (a throwaway one on 127.0.0.1:5432) with
// rate-limit counters in Redis when the config schema offers a Redis store (memory otherwise, and the
// report says so). Complete resets and the start step are measured with one node, then with two nodes on
// the same database: the reset clients alternate between the nodes request by request (a flow started on
// one node goes on on the other), and autocannon drives both at once. It reports the scaling ratio, peak
// RSS per node, and how often PostgreSQL backends stood waiting on a lock while starts ran.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuLimits } from './cpu-limit.mjs';
import { cpuBetween, cpuSnapshot } from './machine.mjs';
import { PgOutboxReader } from './outbox-reader-pg.mjs';
import { createBenchDatabase, sampleLockWaits } from './pg-bench-database.mjs';
import { AccountPool, runFlows } from './phase-flows.mjs';
import { identifiers, runStarts } from './phase-starts.mjs';
import { ServerProcess, sleep } from './server-process.mjs';
import { JsonClient } from './http-client.mjs';

/** Spreads requests over several nodes, one after the other, as a round-robin load balancer would. */
class RoundRobinClient {
  constructor(clients) {
    this.clients = clients;
    this.next = 0;
  }

  post(path, payload, timeoutMs) {
    const client = this.clients[this.next];
    this.next = (this.next + 1) % this.clients.length;
    return client.post(path, payload, timeoutMs);
  }

  close() {
    for (const c of this.clients) c.close();
  }
}

/** Whether the built config schema accepts `rateLimits.store: 'redis'` (another part of issue 8 adds it). */
async function redisStoreSupported(root, redisUrl) {
  const { validateConfig } = await import(join(root, 'dist/src/config/load-config.js'));
  try {
    validateConfig({ mode: 'dev', rateLimits: { store: 'redis', redis: { url: redisUrl } } });
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {{ root: string, options: object, say: (line?: string) => void, cleanup: Array<() => Promise<void>> }} ctx
 * `cleanup` receives what must be undone even when the run fails (servers, the database).
 */
export async function runProduction({ root, options, say, cleanup }) {
  const redisUrl = options.redisUrl;
  const limiterStore = (await redisStoreSupported(root, redisUrl)) ? 'redis' : 'memory';
  const database = await createBenchDatabase();
  cleanup.push(() => database.drop());
  const nodes = [];
  // One master key for both nodes, as in any deployment of several nodes (a fresh one per run).
  const masterKey = randomBytes(32).toString('hex');
  const startNode = async (index) => {
    const dataDir = mkdtempSync(join(tmpdir(), `unlatch-bench-node${index}-`));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const node = new ServerProcess({
      dataDir,
      users: options.users,
      databaseUrl: database.url,
      limiterStore,
      redisUrl,
      seedUsers: index === 1,
      masterKey,
      execArgv: options.serverExecArgv,
      withoutStartFlags: options.withoutStartFlags,
      dist: options.dist,
    });
    cleanup.push(() => node.stop());
    const ready = await node.start();
    nodes.push({ index, node, ready });
    if (!cpuLimits.unavailable) cpuLimits.add(node.child.pid);
    return ready;
  };
  // Each node in a cgroup of its own, uncapped except while the start step is measured with a CPU limit per node.
  const cpuLimits = options.nodeCpus > 0 ? createCpuLimits() : { unavailable: 'not asked for (--node-cpus 0)' };
  if (!cpuLimits.unavailable) cleanup.push(async () => cpuLimits.release());

  say(`database: PostgreSQL ${database.serverVersion}, throwaway database ${database.name} on 127.0.0.1:5432 (dropped at the end)`);
  say(
    `rate limits: ${limiterStore === 'redis' ? `Redis store (${redisUrl})` : 'MEMORY store per node (this build has no rateLimits.store: redis yet)'}, every bucket raised to 1e9 points; ` +
      `nodes in dev mode (dev outbox, one master key shared by the nodes) on the PostgreSQL url: production mode's public URL and mail transport add nothing to measure`,
  );
  const ready1 = await startNode(1);
  say(`node 1: pid ${nodes[0].node.child.pid}, ${ready1.url}, ${ready1.users} bench accounts`);
  const outbox = new PgOutboxReader(database.url);
  cleanup.push(() => outbox.close());

  const drain = async (limitMs = 120_000) => {
    const t0 = Date.now();
    while ((await outbox.backlog()) > 0) {
      if (Date.now() - t0 > limitMs) throw new Error(`outbox backlog did not drain within ${limitMs} ms`);
      await sleep(50);
    }
  };

  /** The nodes' CPU time and memory, for the window between two snapshots. */
  const snapOf = (active) => async () => {
    const stats = await Promise.all(active.map((n) => n.node.stats(true)));
    const sum = stats.reduce((a, s) => ({ user: a.user + s.cpu.user, system: a.system + s.cpu.system }), { user: 0, system: 0 });
    return { stats, cpu: cpuSnapshot(sum) };
  };

  const measure = async (count) => {
    const active = nodes.slice(0, count);
    const snap = snapOf(active);
    const result = { nodes: count };

    // Complete resets: `clients` per node, each request to the next node in turn.
    const clients = options.clients * count;
    const client = new RoundRobinClient(active.map((n) => new JsonClient(n.ready.url, clients)));
    const pool = new AccountPool(options.users);
    // The start step before (one node's, when measuring two) mailed codes of flows it abandoned to these same
    // accounts; those delivered in the reader's look-back window would be taken for a reset's code (422
    // code_invalid). Skip them: wait for the last delivery, then mark every recent mail as seen.
    await drain();
    await outbox.catchUp();
    if (options.warmup > 0) await runFlows({ client, outbox, pool, clients, durationMs: options.warmup * 1000 });
    await drain();
    await outbox.catchUp();
    const before = await snap();
    const resetLocks = sampleLockWaits(database.url, database.name);
    const flows = await runFlows({ client, outbox, pool, clients, durationMs: options.productionDuration * 1000 });
    const resetLockWaits = await resetLocks.stop();
    const after = await snap();
    client.close();
    result.resets = {
      clients,
      perSecond: flows.resetsPerSecond,
      completed: flows.completed,
      errors: flows.errors,
      errorKinds: flows.errorKinds,
      peakRss: after.stats.map((s) => s.windowPeakRss),
      cpu: cpuBetween(before.cpu, after.cpu),
      lockWaits: resetLockWaits,
    };
    await drain();

    result.starts = await measureStarts(active, snap);
    return result;
  };

  // The start step: autocannon on every node at once, `connections` each, known accounts.
  const measureStarts = async (active, snap) => {
    const names = identifiers('known', options.users);
    if (options.startWarmup > 0) await Promise.all(active.map((n) => runStarts({ url: n.ready.url, names, connections: options.connections, durationSeconds: options.startWarmup })));
    await drain();
    const before = await snap();
    const locks = sampleLockWaits(database.url, database.name);
    const runs = await Promise.all(
      active.map((n) => runStarts({ url: n.ready.url, names, connections: options.connections, durationSeconds: options.productionStartDuration })),
    );
    const lockWaits = await locks.stop();
    const after = await snap();
    const starts = {
      connections: options.connections * active.length,
      perSecond: runs.reduce((a, r) => a + r.startsPerSecond, 0),
      accepted: runs.reduce((a, r) => a + r.accepted, 0),
      perNode: runs.map((r) => r.startsPerSecond),
      p50: Math.max(...runs.map((r) => r.latency.p50)),
      p99: Math.max(...runs.map((r) => r.latency.p99)),
      non202: runs.reduce((a, r) => a + Object.entries(r.statuses).filter(([s]) => s !== '202').reduce((b, [, n]) => b + n, 0) + r.errors + r.timeouts, 0),
      peakRss: after.stats.map((s) => s.windowPeakRss),
      cpu: cpuBetween(before.cpu, after.cpu),
      lockWaits,
    };
    await drain();
    return starts;
  };

  // The start step again with every node held to `--node-cpus` cores: the cores of this machine then no longer
  // bound two nodes, and what is shared (PostgreSQL, Redis, the audit chains) shows whether it does.
  const measureStartsLimited = async (count) => {
    if (cpuLimits.unavailable) return null;
    const active = nodes.slice(0, count);
    const snap = snapOf(active);
    cpuLimits.limit(options.nodeCpus);
    try {
      return await measureStarts(active, snap);
    } finally {
      cpuLimits.limit(null);
    }
  };

  const one = await measure(1);
  report(say, one);
  one.limitedStarts = await measureStartsLimited(1);
  if (one.limitedStarts) reportStarts(say, 1, one.limitedStarts, `each node limited to ${options.nodeCpus} cores`);
  const ready2 = await startNode(2);
  say(`node 2: pid ${nodes[1].node.child.pid}, ${ready2.url} (same database)`);
  const two = await measure(2);
  report(say, two);
  two.limitedStarts = await measureStartsLimited(2);
  if (two.limitedStarts) reportStarts(say, 2, two.limitedStarts, `each node limited to ${options.nodeCpus} cores`);
  const scaling = {
    starts: two.starts.perSecond / one.starts.perSecond,
    resets: two.resets.perSecond / one.resets.perSecond,
    limitedStarts: one.limitedStarts && two.limitedStarts ? two.limitedStarts.perSecond / one.limitedStarts.perSecond : null,
    nodeCpus: cpuLimits.unavailable ? null : options.nodeCpus,
    limitUnavailable: cpuLimits.unavailable ?? null,
  };
  say(`scaling, two nodes ÷ one: starts ${scaling.starts.toFixed(2)}×, complete resets ${scaling.resets.toFixed(2)}× (nodes without a CPU limit: they share this machine's cores with PostgreSQL and the bench)`);
  if (scaling.limitedStarts !== null) say(`scaling, two nodes ÷ one, each node limited to ${options.nodeCpus} cores: starts ${scaling.limitedStarts.toFixed(2)}×`);
  else say(`scaling with a CPU limit per node: not measured (${cpuLimits.unavailable})`);
  const peakRssPerNode = nodes.map((n) => Math.max(...[one, two].flatMap((m) => [m.resets.peakRss[n.index - 1] ?? 0, m.starts.peakRss[n.index - 1] ?? 0])));
  // What each node's peak was made of: the V8 heap (bounded by npm start's heap flags) against native memory
  // (argon2's 19 MiB per hash in flight, compiled code, thread stacks, the pg driver's buffers).
  const atPeak = [];
  for (const n of nodes) {
    const stopped = await n.node.stop();
    const p = stopped?.atPeak;
    atPeak.push(p ?? null);
    if (p) {
      say(
        `node ${n.index} at its peak: RSS ${mb(p.rss)} = V8 heap ${mb(p.heapTotal)} (${mb(p.heapUsed)} used) + external ${mb(p.external)} + ` +
          `other native ${mb(Math.max(0, p.rss - p.heapTotal - p.external))}`,
      );
    }
  }
  return { limiterStore, database: database.name, postgres: database.serverVersion, one, two, scaling, peakRssPerNode, atPeak };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ms = (v) => `${v.toFixed(2)} ms`;

// PostgreSQL's backends are "other processes" to /proc/stat: their share is taken out and shown apart.
const cpu = (c, pgCores) =>
  `CPU (cores, avg): servers ${c.server.toFixed(2)}, PostgreSQL ${pgCores.toFixed(2)}, bench ${c.bench.toFixed(2)}` +
  (c.others === null ? '' : `, other processes ${Math.max(0, c.others - pgCores).toFixed(2)}`);
const locks = (w) => {
  const waits = Object.entries(w.byEvent).map(([e, n]) => `${e} ${n.toFixed(2)}`).join(', ') || 'none';
  const top = w.byStatement.slice(0, 3).filter((s) => s.waiting >= 0.05).map((s) => `${s.waiting.toFixed(2)} at "${s.statement}"`).join('; ');
  return `  PostgreSQL backends (avg of ${w.samples} samples): ${w.avgActive.toFixed(2)} busy, ${w.avgLockWaits.toFixed(2)} of them waiting on a lock (${waits}); a lock wait in ${(w.shareWithWaits * 100).toFixed(0)}% of samples` +
    (top ? `\n  waiting: ${top}` : '');
};

function report(say, m) {
  const r = m.resets;
  say(
    `${m.nodes} node${m.nodes > 1 ? 's' : ''}, complete resets: ${r.clients} clients → ${r.perSecond.toFixed(2)}/s (${r.errors} failed flows); ` +
      `peak RSS ${r.peakRss.map(mb).join(' / ')}; ${cpu(r.cpu, r.lockWaits.postgresCores)}`,
  );
  if (r.errors > 0) say(`  failures: ${JSON.stringify(r.errorKinds)}`);
  // Core time per operation holds up better than throughput when the machine is shared.
  say(`  per completed reset: servers ${ms(r.cpu.serverCoreMs / r.completed)}, PostgreSQL ${ms((r.lockWaits.postgresCores * r.cpu.wallMs) / r.completed)} of core time`);
  say(locks(r.lockWaits));
  reportStarts(say, m.nodes, m.starts);
}

function reportStarts(say, nodes, s, note) {
  say(
    `${nodes} node${nodes > 1 ? 's' : ''}, starts (known accounts${note ? `, ${note}` : ''}): ${s.connections} connections → ${s.perSecond.toFixed(0)}/s` +
      (s.perNode.length > 1 ? ` (${s.perNode.map((v) => v.toFixed(0)).join(' + ')})` : '') +
      `, p50 ${ms(s.p50)}, p99 ${ms(s.p99)} (worst node), ${s.non202} non-202/errors; peak RSS ${s.peakRss.map(mb).join(' / ')}; ${cpu(s.cpu, s.lockWaits.postgresCores)}`,
  );
  say(locks(s.lockWaits));
  say(`  per start: servers ${ms(s.cpu.serverCoreMs / s.accepted)}, PostgreSQL ${ms((s.lockWaits.postgresCores * s.cpu.wallMs) / s.accepted)} of core time (mail delivered after the run not included)`);
}
