// A/B of the start step's CPU cost between two builds, without HTTP load or a second process: sequential
// `POST /api/v1/reset` through `inject` after 200 warm-up, for unknown and for known identifiers, two rounds.
// usage: node bench/start-cpu.mjs DIST [--postgres URL]
//   DIST: a build's dist/ folder, absolute path (e.g. a patched copy).
//   --postgres URL: a server URL whose database is used to create (and drop) a fresh database for the run,
//   e.g. postgres://postgres@127.0.0.1:5432/test; the CPU of every local `postgres` process is reported too.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dist = process.argv[2];
const pgAt = process.argv.indexOf('--postgres');
const postgresUrl = pgAt > 0 ? process.argv[pgAt + 1] : null;
const n = postgresUrl ? 1000 : 1500;

/** CPU milliseconds of every process named postgres (the server's backends on this machine). */
const postgresCpuMs = () => {
  let ticks = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10;
};

let database;
let admin;
if (postgresUrl) {
  const { default: pg } = await import(join(dist, '..', 'node_modules', 'pg', 'lib', 'index.js'));
  admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  const name = `start_cpu_${Math.random().toString(36).slice(2, 8)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  database = { url: url.toString(), name };
}

const { buildApp } = await import(join(dist, 'src/app.js'));
const { validateConfig } = await import(join(dist, 'src/config/load-config.js'));
const limits = Object.fromEntries(['start_ip', 'start_identifier', 'start_tenant', 'send_destination'].map((b) => [b, { points: 1e9, durationSeconds: 60 }]));
const config = validateConfig({ mode: 'dev', dataDir: mkdtempSync(join(tmpdir(), 'sb-')), log: { level: 'silent' }, rateLimits: limits, ...(database ? { database: { url: database.url } } : {}) });
const app = await buildApp({ config, startWorker: false });
await app.server.ready();
const run = async (label, id) => {
  for (let i = 0; i < 200; i++) await app.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: id(i) } });
  const c0 = process.cpuUsage();
  const p0 = database ? postgresCpuMs() : 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await app.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: id(i) } });
    if (res.statusCode !== 202) throw new Error(`start answered ${res.statusCode}: ${res.body}`);
  }
  const c = process.cpuUsage(c0);
  const t = performance.now() - t0;
  const pgPart = database ? `, ${((postgresCpuMs() - p0) / n).toFixed(3)} ms PostgreSQL cpu` : '';
  console.log(`${label}: ${(t / n).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(3)} ms cpu${pgPart} per start`);
};
try {
  for (let r = 0; r < 2; r++) {
    await run('unknown', (i) => `nobody-${r}-${i}@example.org`);
    await run('known  ', (i) => ['alice', 'bob', 'carol'][i % 3]);
  }
} finally {
  await app.close();
  if (database) {
    await admin.query(`DROP DATABASE ${database.name} WITH (FORCE)`);
    await admin.end();
  }
}
