// CPU per start, in-process (as bench/start-cpu.mjs): an accepted start against a refused one, on one app with the
// default start limits. Sequential `POST /api/v1/reset` through `inject`, unknown identifiers, after a warm-up:
//   accepted: every start from a new source address (`remoteAddress`), so no per-IP bucket is ever full;
//   refused:  every start from one address whose `start_ip` bucket is exhausted → 429 (`rate_limited`).
//   proof of work: on a second app whose tenant asks every start for a proof of work (`risk.proofOfWork.mode:
//   always`), starts without one → 428 `proof_of_work_required` (with a fresh challenge); skipped when the build
//   has no such setting.
// usage: node bench/flood-cpu.mjs [DIST] [--json]   (DIST: a build's dist/ folder; default dist/)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const distArg = args.find((a) => !a.startsWith('--'));
const dist = pathToFileURL(`${resolve(distArg ?? fileURLToPath(new URL('../dist', import.meta.url)))}/`);
// The bundle npm start runs (dist/server) when the build has one, tsc's output (dist/src) otherwise.
const bundled = existsSync(new URL('server/app.js', dist));
const { buildApp } = await import(new URL(bundled ? 'server/app.js' : 'src/app.js', dist).href);
const { validateConfig } = await import(new URL(bundled ? 'server/load-config.js' : 'src/config/load-config.js', dist).href);

const N = 1500;
// A flood is millions of requests: measure the warm (JIT-compiled) path, not the first few hundred.
const WARMUP = 1000;
const dataDir = mkdtempSync(join(tmpdir(), 'unlatch-flood-cpu-'));
// The default start_ip / start_identifier buckets (30 and 5 per 15 min); the tenant bucket raised, so that the
// accepted run is never refused by it.
const configInput = (dir) => ({ mode: 'dev', dataDir: dir, log: { level: 'silent' }, rateLimits: { start_tenant: { points: 1e9, durationSeconds: 60 }, send_destination: { points: 1e9, durationSeconds: 60 } } });
// Attack mode off and proof-of-work `never` here: 1,500 quick starts are a surge (the risk engine would ask them for
// proofs of work), and this measures the cost of one accepted start; the risk engine still scores each one.
const validated = (input) => {
  try {
    return validateConfig({ ...input, risk: { proofOfWork: { mode: 'never' }, attackMode: { enabled: false } } });
  } catch {
    return validateConfig(input); // a build without the risk engine
  }
};
const config = validated(configInput(dataDir));
const app = await buildApp({ config, startWorker: false });
await app.server.ready();

let unique = 0;
const start = (remoteAddress) =>
  app.server.inject({ method: 'POST', url: '/api/v1/reset', remoteAddress, payload: { identifier: `flood-${unique++}@example.org` } });
const freshAddress = () => `10.${(unique >> 16) & 255}.${(unique >> 8) & 255}.${unique & 255}`;

/** Core ms per start (user + system of this process) and the answers' statuses. */
async function measure(label, addressOf, expected, send = start) {
  for (let i = 0; i < WARMUP; i++) await send(addressOf());
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const statuses = {};
  for (let i = 0; i < N; i++) {
    const res = await send(addressOf());
    statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
  }
  const c = process.cpuUsage(c0);
  const wallMs = (performance.now() - t0) / N;
  const cpuMs = (c.user + c.system) / 1000 / N;
  if (!statuses[expected] || statuses[expected] < N) throw new Error(`${label}: expected ${N} × ${expected}, got ${JSON.stringify(statuses)}`);
  return { label, cpuMs, wallMs, statuses };
}

const results = [];
const powDir = mkdtempSync(join(tmpdir(), 'unlatch-flood-cpu-pow-'));
let powApp = null;
try {
  powApp = await buildApp({ config: validateConfig({ ...configInput(powDir), risk: { proofOfWork: { mode: 'always' }, attackMode: { enabled: false } } }), startWorker: false });
  await powApp.server.ready();
} catch {
  powApp = null; // a build without the proof-of-work gate
}
const powStart = (remoteAddress) =>
  powApp.server.inject({ method: 'POST', url: '/api/v1/reset', remoteAddress, payload: { identifier: `flood-${unique++}@example.org` } });
try {
  for (let round = 0; round < 2; round++) {
    results.push(await measure('accepted', freshAddress, 202));
    // 10.255.255.254 made 30 starts in the first round's warm-up; from then on every start from it is refused.
    results.push(await measure('rate_limited', () => '10.255.255.254', 429));
    if (powApp) results.push(await measure('proof_of_work', freshAddress, 428, powStart));
  }
} finally {
  await app.close();
  await powApp?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(powDir, { recursive: true, force: true });
}
const mean = (label) => {
  const rows = results.filter((r) => r.label === label);
  return { cpuMs: rows.reduce((a, r) => a + r.cpuMs, 0) / rows.length, wallMs: rows.reduce((a, r) => a + r.wallMs, 0) / rows.length };
};
const summary = { n: N, rounds: 2, accepted: mean('accepted'), rateLimited: mean('rate_limited') };
summary.refusedOverAccepted = summary.rateLimited.cpuMs / summary.accepted.cpuMs;
if (powApp) {
  summary.proofOfWork = mean('proof_of_work');
  summary.proofOfWorkOverAccepted = summary.proofOfWork.cpuMs / summary.accepted.cpuMs;
}
if (args.includes('--json')) process.stdout.write(`${JSON.stringify(summary)}\n`);
else {
  for (const r of results) console.log(`${r.label.padEnd(12)} ${r.cpuMs.toFixed(3)} ms cpu, ${r.wallMs.toFixed(3)} ms wall per start`);
  console.log(`refused ÷ accepted CPU: ${summary.refusedOverAccepted.toFixed(2)} (target ≤ 0.25)`);
  if (powApp) console.log(`proof of work missing ÷ accepted CPU: ${summary.proofOfWorkOverAccepted.toFixed(2)} (target ≤ 0.25)`);
}
