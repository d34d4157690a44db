import { availableParallelism } from 'node:os';
// The benchmarked server, run as a child process of bench/reset-flow.mjs (forked with an IPC channel),
// so the load generator never shares its event loop.
//
// It builds the app from dist/ on the embedded default (SQLite in the given data directory, dev mode,
// dev outbox, in-process outbox worker) with two bench-only changes: every rate-limit bucket gets a huge
// number of points, and `users` extra accounts `bench-user-N` / `bench-user-N@example.com` are inserted
// so that concurrent flows never share an account. It samples its RSS every 100 ms.
//
// With `databaseUrl` (the production phase) it runs on that PostgreSQL database instead, still in dev mode
// (dev outbox, no mail transport or key ring to set up), and with `limiterStore: 'redis'` keeps rate-limit
// counters in Redis; `seedUsers: false` for a second node on a database the first one already filled.
//
// argv[2]: JSON `{ dataDir, users, logLevel, databaseUrl?, limiterStore?, redisUrl?, seedUsers?, masterKey?, dist?, keepLimits? }`.
// IPC in:  {type:'stats', resetPeak?} | {type:'profile-start'} | {type:'profile-stop', file} | {type:'stop'}
// IPC out: {type:'ready', url, dbPath, memory, ...} | {type:'stats', rss, peakRss, windowPeakRss, cpu} |
//          {type:'profile-started'} | {type:'profile', file} | {type:'stopped', peakRss, atPeak} | {type:'error', message}
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { pathToFileURL } from 'node:url';
/** Points per window for every bucket: the bench measures the server, not its limits. */
const HUGE = 1_000_000_000;

const options = JSON.parse(process.argv[2] ?? '{}');
// The build under test: dist/ unless --dist names another one (an experiment's patched copy, to compare).
const dist = options.dist ? pathToFileURL(`${options.dist.replace(/\/$/, '')}/`) : new URL('../../dist/', import.meta.url);
// The bundle that npm start runs (dist/server); a build from before it was made has only tsc's output (dist/src).
const bundled = existsSync(new URL('server/app.js', dist));
const modulePath = (bundle, unbundled) => new URL(bundled ? `server/${bundle}` : `src/${unbundled}`, dist).href;
const { buildApp } = await import(modulePath('app.js', 'app.js'));
const { validateConfig } = await import(modulePath('load-config.js', 'config/load-config.js'));
const { SqlUserRepository } = await import(modulePath('user-repository.js', 'adapters/store/user-repository.js'));
const send = (message) => {
  if (process.connected) process.send(message);
};

// RSS, sampled every 100 ms: the overall peak and the peak since the last `stats` request that reset it.
// At a new overall peak the full breakdown is kept too, to tell V8's heap from native memory.
let peakRss = process.memoryUsage.rss();
let windowPeakRss = peakRss;
let atPeak = memoryBreakdown();
function sampleRss() {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) {
    peakRss = rss;
    atPeak = memoryBreakdown();
  }
  if (rss > windowPeakRss) windowPeakRss = rss;
  return rss;
}

/** RSS split into V8 heap, external (Buffers etc.) and the rest (native: SQLite, argon2, code, stacks). */
function memoryBreakdown() {
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
setInterval(sampleRss, 100).unref();

let app = null;
let session = null;
let stopping = false;

// The schema's highest threshold.
const RAISED_VELOCITY = Object.fromEntries(['ip', 'subnet', 'account', 'tenant'].map((signal) => [signal, { threshold: 1_000_000 }]));

async function main() {
  const defaults = validateConfig({ mode: 'dev' });
  // Buckets are the entries with points; `store` / `redis` (where the schema has them) are settings.
  // `keepLimits` (the flood phase): these buckets keep their defaults, so the flood meets the limits people get.
  const kept = new Set(options.keepLimits ?? []);
  let buckets = Object.entries(defaults.rateLimits).filter(([bucket, setting]) => typeof setting?.points === 'number' && !kept.has(bucket));
  const limiterStore = options.limiterStore ?? 'memory';
  const configWith = (raised) => {
    const rateLimits = Object.fromEntries(raised.map(([bucket, setting]) => [bucket, { points: HUGE, durationSeconds: setting.durationSeconds }]));
    if (limiterStore === 'redis') Object.assign(rateLimits, { store: 'redis', redis: { url: options.redisUrl } });
    return validateConfig({
      mode: 'dev',
      dataDir: options.dataDir,
      server: { host: '127.0.0.1', port: 0 },
      ...(options.databaseUrl ? { database: { url: options.databaseUrl } } : {}),
      // Nodes of one deployment share their master key (codes and seals made on one verify on the other).
      ...(options.masterKey ? { secrets: { keys: [{ id: 'bench', secret: options.masterKey }] } } : {}),
      rateLimits,
      // The throughput phases start thousands of flows from one address: with the risk engine's default velocity
      // thresholds they would all be asked for a proof of work. The engine still scores every start (its cost is
      // measured); only the flood phase (`keepLimits`) meets the defaults people get.
      ...(options.keepLimits ? {} : { risk: { velocity: RAISED_VELOCITY, attackMode: { enabled: false } } }),
      log: { level: options.logLevel ?? 'warn' },
    });
  };
  // A bucket the schema caps (e.g. proof_failures, at most 100 by NIST) keeps its default: the bench makes no failed proofs.
  let config;
  for (;;) {
    try {
      config = configWith(buckets);
      break;
    } catch (error) {
      const capped = buckets.find(([bucket]) => String(error?.message).includes(`rateLimits.${bucket}.`));
      if (!capped) throw error;
      buckets = buckets.filter((entry) => entry !== capped);
    }
  }
  // As `npm start` (src/cli/main.ts) does: libuv's pool sized to the cores, for argon2.
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, availableParallelism()));
  app = await buildApp({ config });

  const tenantId = config.defaultTenant;
  const now = new Date();
  if (options.seedUsers !== false) {
    await app.database.db.transaction().execute(async (trx) => {
      const repo = new SqlUserRepository(trx);
      for (let i = 0; i < options.users; i += 1) {
        // No password hash: a reset does not need the old password.
        await repo.insert({ tenantId, username: `bench-user-${i}`, email: `bench-user-${i}@example.com` }, now);
      }
    });
  }

  const url = await app.listen();
  send({
    type: 'ready',
    url,
    users: options.users,
    tenantId,
    dbPath: config.database.url.replace(/^sqlite:/, ''),
    rateLimits: buckets.map(([bucket]) => bucket),
    limiterStore,
    outbox: config.outbox,
    rss: sampleRss(),
    memory: memoryBreakdown(),
  });
}

async function profileStop(file) {
  const { profile } = await new Promise((resolve, reject) =>
    session.post('Profiler.stop', (error, result) => (error ? reject(error) : resolve(result))),
  );
  session.disconnect();
  session = null;
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

async function stop(reason) {
  if (stopping) return;
  stopping = true;
  sampleRss();
  try {
    if (app) await app.close();
  } catch (error) {
    process.stderr.write(`bench server: close failed: ${error?.message ?? error}\n`);
  }
  send({ type: 'stopped', reason, peakRss, atPeak, rss: process.memoryUsage.rss() });
  // Let the IPC message flush before leaving.
  setTimeout(() => process.exit(0), 50);
}

process.on('message', (message) => {
  void (async () => {
    try {
      if (message.type === 'stats') {
        const rss = sampleRss();
        send({ type: 'stats', rss, peakRss, windowPeakRss, cpu: process.cpuUsage() });
        if (message.resetPeak) windowPeakRss = rss;
      } else if (message.type === 'profile-start') {
        session = new Session();
        session.connect();
        await new Promise((resolve) => session.post('Profiler.enable', () => resolve()));
        await new Promise((resolve) => session.post('Profiler.setSamplingInterval', { interval: 500 }, () => resolve()));
        await new Promise((resolve) => session.post('Profiler.start', () => resolve()));
        send({ type: 'profile-started' });
      } else if (message.type === 'profile-stop') {
        send({ type: 'profile', file: await profileStop(message.file) });
      } else if (message.type === 'stop') {
        await stop('stop');
      }
    } catch (error) {
      send({ type: 'error', message: String(error?.stack ?? error) });
    }
  })();
});

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
// The bench died without telling us: do not linger.
process.on('disconnect', () => void stop('disconnect'));

main().catch((error) => {
  send({ type: 'error', message: String(error?.stack ?? error) });
  process.exitCode = 1;
  void stop('error');
});
