// Phase A: complete resets. N clients loop start → code from the dev outbox → verify → new password,
// each flow on an account no other flow is using at the same time.
import { performance } from 'node:perf_hooks';
import { passphrase } from './passphrase.mjs';

const STEPS = ['start', 'code', 'verify', 'password', 'total'];

/** Accounts handed out least-recently-used first, so concurrent flows never share one. */
export class AccountPool {
  constructor(count) {
    this.free = Array.from({ length: count }, (_, i) => i);
  }

  take() {
    const index = this.free.shift();
    if (index === undefined) throw new Error('account pool is empty (more clients than bench users?)');
    return { index, identifier: `bench-user-${index}`, email: `bench-user-${index}@example.com` };
  }

  release(account) {
    this.free.push(account.index);
  }
}

class FlowError extends Error {
  constructor(step, status, body) {
    super(`${step}: HTTP ${status} ${typeof body === 'string' ? body.slice(0, 200) : JSON.stringify(body).slice(0, 200)}`);
    this.step = step;
  }
}

/** One complete reset; returns per-step latencies in ms and how many passwords were refused first. */
async function oneReset(client, outbox, account) {
  const t0 = performance.now();
  const after = outbox.cursor();
  const started = await client.post('/api/v1/reset', { identifier: account.identifier });
  if (started.status !== 202) throw new FlowError('start', started.status, started.body);
  const t1 = performance.now();

  const code = await outbox.waitForCode(account.email, after);
  const t2 = performance.now();

  const flowPath = `/api/v1/reset/${encodeURIComponent(started.body.flowId)}`;
  const verified = await client.post(`${flowPath}/verify`, { code });
  if (verified.status !== 200) throw new FlowError('verify', verified.status, verified.body);
  const t3 = performance.now();

  let rejected = 0;
  for (;;) {
    const set = await client.post(`${flowPath}/password`, { password: passphrase() });
    if (set.status === 200) break;
    // A refused passphrase (unlucky draw) is retried in the same flow, as a person would.
    if (set.status === 422 && rejected < 3) {
      rejected += 1;
      continue;
    }
    throw new FlowError('password', set.status, set.body);
  }
  const t4 = performance.now();
  return { start: t1 - t0, code: t2 - t1, verify: t3 - t2, password: t4 - t3, total: t4 - t0, end: t4, rejected };
}

/**
 * Runs `clients` loops for `durationMs`; flows still running at the deadline are finished (so the
 * server is idle afterwards) but only flows that completed inside the window count towards resets/s.
 */
export async function runFlows({ client, outbox, pool, clients, durationMs, maxErrors = 50 }) {
  const samples = Object.fromEntries(STEPS.map((s) => [s, []]));
  const errors = new Map();
  let errorCount = 0;
  let rejected = 0;
  let completed = 0;
  let completedInWindow = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;

  async function loop() {
    while (performance.now() < deadline) {
      const account = pool.take();
      try {
        const r = await oneReset(client, outbox, account);
        completed += 1;
        if (r.end <= deadline) completedInWindow += 1;
        rejected += r.rejected;
        for (const step of STEPS) samples[step].push(r[step]);
      } catch (error) {
        errorCount += 1;
        const key = error.step ? error.message.slice(0, 120) : String(error.message ?? error).slice(0, 120);
        errors.set(key, (errors.get(key) ?? 0) + 1);
        if (errorCount > maxErrors) throw new Error(`more than ${maxErrors} failed flows; first: ${[...errors.keys()][0]}`);
      } finally {
        pool.release(account);
      }
    }
  }

  await Promise.all(Array.from({ length: clients }, loop));
  const finished = performance.now();
  return {
    clients,
    durationMs,
    drainMs: finished - deadline,
    completed,
    completedInWindow,
    resetsPerSecond: completedInWindow / (durationMs / 1000),
    rejectedPasswords: rejected,
    errors: errorCount,
    errorKinds: Object.fromEntries(errors),
    samples,
  };
}

export { STEPS };
