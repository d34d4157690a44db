import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** This checkout, and the built CLI's entry point in it. */
export const ROOT = resolve(import.meta.dirname, '../..');
export const BUILT_MAIN = join(ROOT, 'dist/server/main.js');

const LOCK_WAIT_MS = 180_000;
/** A lock left by a killed test run is taken over after this long. */
const LOCK_STALE_MS = 300_000;

/**
 * Makes sure `dist/` holds a current build for the test files that run the built CLI as a child process: compiled
 * by the product's own stale check (`scripts/build-if-stale.mjs`, what `npm start` runs), so at most once per
 * change of the sources, and under a lock, so files running side by side neither compile twice nor write into one
 * `dist/` at once. A build with type errors (someone's change in progress) still emits and bundles: a fresh `main.js` counts.
 */
export function ensureBuiltCli(): void {
  const lock = join(tmpdir(), `unlatch-test-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
  takeLock(lock);
  try {
    const started = Date.now();
    const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build-if-stale.mjs'), ROOT], { cwd: ROOT, encoding: 'utf8' });
    const fresh = existsSync(BUILT_MAIN) && (build.status === 0 || statSync(BUILT_MAIN).mtimeMs >= started - 1000);
    if (!fresh) throw new Error(`build did not produce ${BUILT_MAIN}: ${build.stdout}${build.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function takeLock(lock: string): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch {
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another test run has held ${lock} for ${LOCK_WAIT_MS / 1000} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}
