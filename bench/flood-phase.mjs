// Phase F (`npm run bench -- --phases F`): a flood of starts for random unknown identifiers from many source
// addresses, while 4 clients run complete legitimate resets. See bench/README.md ("Phase F").
//
// Every address is a loopback alias (Linux answers on all of 127.0.0.0/8 without configuration): a socket
// bound to it with `localAddress` reaches the server as that client, so the per-IP limits see many clients.
// The server keeps its default start limits (`keepLimits`); everything else stays raised as in the other phases.
import { fork } from 'node:child_process';
import http from 'node:http';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { passphrase } from './lib/passphrase.mjs';
import { sleep } from './lib/server-process.mjs';
import { collectJson } from './lib/http-client.mjs';

/** 127.a.b.c for the n-th address of a /8 slice starting at `second` (127.second.0.1 …). */
export function loopbackAddress(second, n) {
  const host = n + 1;
  return `127.${second + Math.floor(host / 65_536)}.${Math.floor(host / 256) % 256}.${host % 256}`;
}

/** POST JSON through `agent` (bound to a source address); resolves `{ status, body }`. */
function post(url, agent, path, payload, timeoutMs = 30_000) {
  const data = Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: Number(url.port), path, method: 'POST', agent, timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': 'unlatch-bench-flood' } },
      (response) => collectJson(response, resolve, reject),
    );
    request.on('timeout', () => request.destroy(new Error(`POST ${path} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(data);
  });
}

/** GET through `agent`; resolves `{ status, body }`. */
function get(url, agent, path, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: Number(url.port), path, method: 'GET', agent, timeout: timeoutMs, headers: { 'user-agent': 'unlatch-bench-flood' } },
      (response) => collectJson(response, resolve, reject),
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end();
  });
}

/**
 * The people's devices: a child process (bench/solver-process.mjs) at priority `nice` that solves offered ALTCHA
 * v2 challenges into the start's `proofOfWork.solution` (altcha-lib, as test/http/proof-of-work.test.ts).
 */
export function forkSolver(nice = 10) {
  const child = fork(fileURLToPath(new URL('./solver-process.mjs', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    setPriority(child.pid, nice);
  } catch {
    // Not allowed here: the solving then competes with the server as an equal.
  }
  const pending = new Map();
  let next = 0;
  child.on('message', ({ id, solution, error, cpuMs }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter?.reject(new Error(error));
    else waiter?.resolve(solution ?? cpuMs);
  });
  const ask = (message) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, ...message });
    });
  return {
    solve: (challenge) => ask({ challenge }),
    /** The solver's CPU so far, core-ms. */
    cpuMs: () => ask({ cpu: true }),
    close: () => child.disconnect(),
  };
}

/** How a flood answer is counted: accepted (202), rate_limited (429), proof_of_work (the gate's refusal), other. */
export function floodOutcome(res) {
  if (res.status === 202) return 'accepted';
  const code = typeof res.body === 'object' && res.body !== null ? res.body.code : undefined;
  if (code === 'proof_of_work_required' || code === 'pow_required') return 'proofOfWork';
  if (res.status === 429) return 'rateLimited';
  return 'other';
}

/**
 * The flood: `connections` loops, each request from the next of `addresses` source addresses (one keep-alive
 * socket per address), for a random unknown identifier. Counts answers by outcome while `counting()` is true.
 */
export function startFlood({ url, connections, addresses, counting }) {
  const agents = Array.from({ length: addresses }, (_, n) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: loopbackAddress(1, n) }));
  const counts = { accepted: 0, rateLimited: 0, proofOfWork: 0, other: 0, errors: 0 };
  const otherKinds = new Map();
  let stop = false;
  let next = 0;
  const loop = async () => {
    while (!stop) {
      const agent = agents[next++ % agents.length];
      try {
        const res = await post(url, agent, '/api/v1/reset', { identifier: `flood-${randomBytes(6).toString('hex')}@example.org` });
        if (!counting()) continue;
        const outcome = floodOutcome(res);
        counts[outcome] += 1;
        if (outcome === 'other') otherKinds.set(`${res.status} ${JSON.stringify(res.body).slice(0, 80)}`, (otherKinds.get(`${res.status} ${JSON.stringify(res.body).slice(0, 80)}`) ?? 0) + 1);
      } catch (error) {
        if (counting()) counts.errors += 1;
        if (counting()) otherKinds.set(String(error?.code ?? error?.message).slice(0, 80), (otherKinds.get(String(error?.code ?? error?.message).slice(0, 80)) ?? 0) + 1);
        await sleep(5);
      }
    }
  };
  const loops = Array.from({ length: connections }, loop);
  return {
    counts,
    otherKinds,
    async stop() {
      stop = true;
      await Promise.all(loops);
      for (const agent of agents) agent.destroy();
    },
  };
}

/**
 * `clients` loops of complete resets for `durationMs`, each flow on its own bench account and from its own
 * source address (people come from their own addresses; one address would meet the per-IP start limit).
 * As a person at the start page does, each flow first loads the page's challenge (`GET /api/v1/reset/challenge`)
 * and takes `thinkMs` to type the username, while the widget solves the challenge in the background when every
 * start needs a proof now (on `solver`, the person's device); Continue is pressed when both are done. The flow's
 * time runs from Continue, in both windows alike; the solving is sampled apart (`samples.solve`, and how long it
 * kept the person waiting past their typing in `samples.solveWait`). A start still answered 428 (proof-of-work on
 * risk) is solved and sent again inside the flow's time. Both count in `solved`.
 * Returns per-flow samples (ms) of the start step and the whole flow, and failures by kind.
 */
export async function legitimateResets({ url, outbox, clients, durationMs, nextAccount, nextAddress, solver, thinkMs }) {
  const samples = { start: [], total: [], solve: [], solveWait: [] };
  const failures = new Map();
  let solved = 0;
  const deadline = performance.now() + durationMs;
  const loop = async () => {
    while (performance.now() < deadline) {
      const account = nextAccount();
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: nextAddress() });
      try {
        // The page: its challenge, solved in the background when every start needs one now.
        const page = await get(url, agent, '/api/v1/reset/challenge');
        if (page.status !== 200) throw new Error(`challenge: HTTP ${page.status}`);
        const s0 = performance.now();
        const [proofOfWork] = await Promise.all([
          page.body.required ? solver.solve(page.body.challenge).then((solution) => ({ solution, ms: performance.now() - s0 })) : undefined,
          sleep(thinkMs),
        ]);
        if (proofOfWork) {
          solved += 1;
          samples.solve.push(proofOfWork.ms);
          samples.solveWait.push(Math.max(0, proofOfWork.ms - thinkMs));
        }
        const t0 = performance.now();
        const after = outbox.cursor();
        let started = await post(url, agent, '/api/v1/reset', { identifier: account.identifier, ...(proofOfWork ? { proofOfWork: { solution: proofOfWork.solution } } : {}) });
        // Proof-of-work asked (always, on risk, or attack mode): solve the offered challenge, as the widget would.
        if (started.status === 428 && started.body?.challenge) {
          solved += 1;
          const solution = await solver.solve(started.body.challenge);
          started = await post(url, agent, '/api/v1/reset', { identifier: account.identifier, proofOfWork: { solution } });
        }
        if (started.status !== 202) throw new Error(`start: HTTP ${started.status} ${JSON.stringify(started.body).slice(0, 80)}`);
        const t1 = performance.now();
        const code = await outbox.waitForCode(account.email, after);
        const flowPath = `/api/v1/reset/${encodeURIComponent(started.body.flowId)}`;
        const verified = await post(url, agent, `${flowPath}/verify`, { code });
        if (verified.status !== 200) throw new Error(`verify: HTTP ${verified.status} ${verified.body?.code ?? ''}`);
        // The risk engine may ask for a second proof (step_up) or hold the flow for an operator (hold): a person
        // could not finish on their own here, so the flow counts as failed, by what it was asked.
        if (verified.body?.next !== 'set_password') throw new Error(`verify: next ${verified.body?.next}`);
        for (let tries = 0; ; tries += 1) {
          const set = await post(url, agent, `${flowPath}/password`, { password: passphrase() });
          if (set.status === 200) break;
          if (set.status !== 422 || tries >= 3) throw new Error(`password: HTTP ${set.status} ${set.body?.code ?? ''}`);
        }
        samples.start.push(t1 - t0);
        samples.total.push(performance.now() - t0);
      } catch (error) {
        const key = String(error?.message ?? error).slice(0, 100);
        failures.set(key, (failures.get(key) ?? 0) + 1);
      } finally {
        agent.destroy();
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  return { samples, solved, failures: Object.fromEntries(failures), failed: [...failures.values()].reduce((a, b) => a + b, 0) };
}
