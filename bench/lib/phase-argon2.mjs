// Phase B: this machine's argon2id floor. The same library and parameters the server hashes with
// (`ARGON2ID_PARAMS` from dist/), as many hashes in flight as there are cores; @node-rs/argon2 runs
// each one on libuv's thread pool (4 threads by default, ≥ the 2 cores here).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';

export async function runArgon2({ params, durationMs, concurrency = availableParallelism() }) {
  // One hash first so the first timed one does not pay for loading the native module.
  await hash('warm-up', params);
  const samples = [];
  const begin = performance.now();
  const deadline = begin + durationMs;
  let inWindow = 0;

  async function loop() {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      await hash(randomBytes(12).toString('base64url'), params);
      const t1 = performance.now();
      samples.push(t1 - t0);
      if (t1 <= deadline) inWindow += 1;
    }
  }

  await Promise.all(Array.from({ length: concurrency }, loop));
  return { concurrency, durationMs, hashes: samples.length, hashesPerSecond: inWindow / (durationMs / 1000), samples };
}
