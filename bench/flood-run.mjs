// Phase F's driver: its own server (default start limits), legitimate resets without and then under a flood,
// and the in-process CPU per refused vs accepted start (bench/flood-cpu.mjs in a child). See bench/README.md.
import { execFile, fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forkSolver, legitimateResets, loopbackAddress } from './flood-phase.mjs';
import { cpuBetween, cpuSnapshot } from './lib/machine.mjs';
import { OutboxReader } from './lib/outbox-reader.mjs';
import { ServerProcess, sleep } from './lib/server-process.mjs';
import { ms, rate, summarize, table } from './lib/stats.mjs';

/** Issue 13's targets on this machine. */
export const FLOOD_TARGETS = { p99Ratio: 2, refusedCpuRatio: 0.25 };
/** How long a bench person takes to type their username (the widget solves meanwhile). */
export const FLOOD_THINK_MS = 500;

/**
 * @param {{ say: (line?: string) => void, dist?: string, clients: number, durationS: number, warmupS: number, floodWarmupS?: number,
 *   connections: number, addresses: number, keepLimits: string[], users: number, thinkMs?: number }} o
 */
export async function runFloodPhase(o) {
  const { say } = o;
  const dataDir = mkdtempSync(join(tmpdir(), 'unlatch-bench-flood-'));
  const server = new ServerProcess({ dataDir, users: o.users, keepLimits: o.keepLimits, dist: o.dist });
  let outbox = null;
  const solver = forkSolver();
  try {
    const ready = await server.start();
    const url = new URL(ready.url);
    outbox = new OutboxReader(ready.dbPath);
    say(`server: child pid ${server.child.pid}; default limits kept for ${o.keepLimits.join(', ')}; every other bucket raised as in the other phases`);
    let account = 0;
    let address = 0;
    const legit = {
      url, outbox, solver, clients: o.clients, thinkMs: o.thinkMs ?? FLOOD_THINK_MS,
      nextAccount: () => {
        const i = account++ % o.users;
        return { identifier: `bench-user-${i}`, email: `bench-user-${i}@example.com` };
      },
      nextAddress: () => loopbackAddress(100, address++),
    };

    await legitimateResets({ ...legit, durationMs: o.warmupS * 1000 });
    const window = async (fn) => {
      await server.stats(true);
      const before = cpuSnapshot((await server.stats()).cpu);
      const solver0 = await solver.cpuMs();
      const t0 = performance.now();
      const value = await fn();
      const seconds = (performance.now() - t0) / 1000;
      const solverCores = (await solver.cpuMs() - solver0) / 1000 / seconds;
      return { value, seconds, solverCores, cpu: cpuBetween(before, cpuSnapshot((await server.stats(true)).cpu)) };
    };

    const quiet = await window(() => legitimateResets({ ...legit, durationMs: o.durationS * 1000 }));
    const flood = await forkFlood({ url, connections: o.connections, addresses: o.addresses });
    await sleep((o.floodWarmupS ?? o.warmupS) * 1000);
    flood.count();
    const loud = await window(() => legitimateResets({ ...legit, durationMs: o.durationS * 1000 }));
    const floodResult = await flood.stop();

    const cpu = await cpuPerStart(o.dist);
    const report = summarizeFlood({ quiet, loud, flood: floodResult, cpu });
    printFlood(say, o, report);
    return report;
  } finally {
    solver.close();
    outbox?.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The flood in its own process (bench/flood-driver.mjs) at the lowest priority: the attacker's machine, as near
 * as one machine gets. `count()` starts its counting window; `stop()` resolves its counts and its CPU.
 */
async function forkFlood({ url, connections, addresses }) {
  const child = fork(fileURLToPath(new URL('./flood-driver.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    setPriority(child.pid, 19);
  } catch {
    // Not allowed here: the flood then competes with the server as an equal.
  }
  const ready = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`flood driver exited (${code}) before it started`)));
  });
  child.send({ url: url.href, connections, addresses });
  await ready;
  return {
    count: () => child.send('count'),
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('message', (result) => resolve({ ...result, otherKinds: new Map(Object.entries(result.otherKinds)) }));
        child.once('exit', (code) => reject(new Error(`flood driver exited (${code}) without its counts`)));
        child.send('stop');
      }),
  };
}

/** bench/flood-cpu.mjs in a child process (its own event loop and heap), as JSON. */
async function cpuPerStart(dist) {
  const script = fileURLToPath(new URL('./flood-cpu.mjs', import.meta.url));
  const args = [script, ...(dist ? [dist] : []), '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 300_000, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function summarizeFlood({ quiet, loud, flood, cpu }) {
  const answered = flood.counts.accepted + flood.counts.rateLimited + flood.counts.proofOfWork + flood.counts.other;
  const flow = (w) => ({ start: summarize(w.value.samples.start), total: summarize(w.value.samples.total), solve: summarize(w.value.samples.solve), solveWait: summarize(w.value.samples.solveWait), solverCores: w.solverCores, solved: w.value.solved, failed: w.value.failed, failures: w.value.failures, seconds: w.seconds });
  const q = flow(quiet);
  const l = flow(loud);
  return {
    flood: { ...flood.counts, answered, seconds: flood.seconds, perSecond: answered / flood.seconds, cores: flood.cpuMs / 1000 / flood.seconds, otherKinds: Object.fromEntries(flood.otherKinds) },
    legit: { quiet: q, underFlood: l },
    p99Ratio: l.total.p99 / q.total.p99,
    serverCpu: { quiet: quiet.cpu, underFlood: loud.cpu },
    cpuPerStart: cpu,
  };
}

function printFlood(say, o, r) {
  const f = r.flood;
  const per = (n) => `${n} (${rate(n / f.seconds)})`;
  say(`flood: ${o.connections} connections from ${o.addresses} loopback addresses (127.1.x.y), random unknown identifiers`);
  say(`flood starts answered in the ${f.seconds.toFixed(1)} s window: ${f.answered} → ${rate(f.perSecond)} absorbed; ` +
    `accepted ${per(f.accepted)}, 429 rate-limited ${per(f.rateLimited)}, proof-of-work required ${per(f.proofOfWork)}, other ${f.other}, transport errors ${f.errors}`);
  if (Object.keys(f.otherKinds).length > 0) say(`flood other answers: ${JSON.stringify(f.otherKinds)}`);
  const row = (label, x) => [label, ms(x.start.p50), ms(x.start.p99), ms(x.total.p50), ms(x.total.p99), x.total.n, x.failed];
  say(`legitimate people: ${o.clients}, each typing for ${o.thinkMs ?? FLOOD_THINK_MS} ms before Continue; times from Continue to the new password`);
  say(table(['legitimate resets (4 clients)', 'start p50', 'start p99', 'flow p50', 'flow p99', 'flows', 'failed'],
    [row('without the flood', r.legit.quiet), row('under the flood', r.legit.underFlood)]));
  for (const [label, x] of [['without', r.legit.quiet], ['under', r.legit.underFlood]]) {
    if (x.solved > 0) say(`legitimate starts ${label} the flood that had to solve a proof-of-work challenge first: ${x.solved}` +
      (x.solve.n > 0 ? ` (${x.solve.n} solved while the person typed, as the page's widget does: solving p50 ${ms(x.solve.p50)}, p99 ${ms(x.solve.p99)}; ` +
        `waiting for it past the typing p50 ${ms(x.solveWait.p50)}, p99 ${ms(x.solveWait.p99)}; not in the flow's time)` : ''));
    if (x.failed > 0) say(`legitimate failures ${label} the flood: ${JSON.stringify(x.failures)}`);
  }
  // `others` holds the bench's own children too (the people's solver; under the flood, the flood's process).
  const strangers = (c, own) => (c.others === null ? null : Math.max(0, c.others - own));
  const quietOthers = strangers(r.serverCpu.quiet, r.legit.quiet.solverCores);
  const loudOthers = strangers(r.serverCpu.underFlood, r.legit.underFlood.solverCores + f.cores);
  const cores = (c, x, others) => `server ${c.server.toFixed(2)}, bench ${c.bench.toFixed(2)}, people's solver ${x.solverCores.toFixed(2)}${others === null ? '' : `, other processes ${others.toFixed(2)}`}`;
  say(`CPU (cores, avg): without the flood ${cores(r.serverCpu.quiet, r.legit.quiet, quietOthers)}; under the flood ${cores(r.serverCpu.underFlood, r.legit.underFlood, loudOthers)}, the flood's process (lowest priority) ${f.cores.toFixed(2)}`);
  const busiest = Math.max(quietOthers ?? 0, loudOthers ?? 0);
  if (busiest > 0.2) say(`NOTE: other processes used up to ${busiest.toFixed(2)} cores during Phase F; its numbers are distorted.`);
  const c = r.cpuPerStart;
  say(`CPU per start (in-process, ${c.n} × ${c.rounds} rounds): accepted ${ms(c.accepted.cpuMs)}, refused (429) ${ms(c.rateLimited.cpuMs)} → ratio ${c.refusedOverAccepted.toFixed(2)}` +
    (c.proofOfWork ? `; refused for a missing proof of work (428) ${ms(c.proofOfWork.cpuMs)} → ratio ${c.proofOfWorkOverAccepted.toFixed(2)}` : '; no proof-of-work gate in this build'));
  const verdict = (ok) => (ok ? 'PASS' : 'MISS');
  say(`target: legitimate flow p99 under the flood ≤ ${FLOOD_TARGETS.p99Ratio}× without: ${r.p99Ratio.toFixed(2)}× ${verdict(r.p99Ratio <= FLOOD_TARGETS.p99Ratio)}`);
  say(`target: refused start CPU ≤ ${FLOOD_TARGETS.refusedCpuRatio} × accepted: rate-limited ${c.refusedOverAccepted.toFixed(2)} ${verdict(c.refusedOverAccepted <= FLOOD_TARGETS.refusedCpuRatio)}` +
    (c.proofOfWork ? `, proof of work missing ${c.proofOfWorkOverAccepted.toFixed(2)} ${verdict(c.proofOfWorkOverAccepted <= FLOOD_TARGETS.refusedCpuRatio)}` : ''));
}
