#!/usr/bin/env node
// `npm start` runs this before the server: it builds only when the sources changed since the last build (tsc into
// dist/src, then scripts/bundle-server.mjs into dist/server), so a start with a current dist/ takes no build time,
// and a fresh clone still builds (`npm install && npm start`). A build that fails leaves the stamp as it was, so the
// next start retries.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads: a change to any of these (a file, or a folder's list of files) makes dist/ stale. */
export const BUILD_INPUTS = ['src', 'migrations', 'tsconfig.json', 'tsconfig.build.json', 'package.json', join('scripts', 'bundle-server.mjs')];

/** The project's bundling step, run after tsc when the project has one. */
const BUNDLER = join('scripts', 'bundle-server.mjs');

/** Written after a successful build; its mtime is the moment that build started. */
export const STAMP = join('dist', '.build-stamp');

/** The newest mtime (ms) under `path`, folders included (a deleted file changes its folder's mtime). */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether `root`'s dist/ is missing or older than any build input. */
export function isStale(root) {
  const stamp = join(root, STAMP);
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtime(join(root, input)) > built);
}

/** Compiles `root` with its own TypeScript when stale; returns the exit code. */
export function buildIfStale(root, log = (line) => process.stdout.write(`${line}\n`)) {
  if (!isStale(root)) {
    log('build-if-stale: dist/ is current, not compiling');
    return 0;
  }
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    log('build-if-stale: dist/ is out of date and TypeScript is not installed (run npm install, or use a built image)');
    return 1;
  }
  // Stamped with the time the build started: a source saved during the build makes the next start rebuild.
  const started = new Date();
  log('build-if-stale: sources changed since the last build, compiling (tsc -p tsconfig.build.json)');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // tsc still emits when it reports type errors: the bundle is made from that output too (tests of work in
  // progress run it), but the stamp is not written, so the next start builds again.
  if (existsSync(join(root, BUNDLER))) {
    log('build-if-stale: bundling dist/src into dist/server');
    const bundled = spawnSync(process.execPath, [join(root, BUNDLER)], { cwd: root, stdio: 'inherit' });
    if (bundled.status !== 0) return bundled.status ?? 1;
  }
  if (result.status !== 0) return result.status ?? 1;
  const stamp = join(root, STAMP);
  writeFileSync(stamp, `${started.toISOString()}\n`);
  utimesSync(stamp, started, started);
  return 0;
}

// usage: node scripts/build-if-stale.mjs [--check] [root]   (--check: only say whether dist/ is stale; exit 1 if so)
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = resolve(args.find((a) => a !== '--check') ?? join(fileURLToPath(import.meta.url), '..', '..'));
  if (args.includes('--check')) {
    const stale = isStale(root);
    process.stdout.write(stale ? 'build-if-stale: stale\n' : 'build-if-stale: current\n');
    process.exitCode = stale ? 1 : 0;
  } else {
    process.exitCode = buildIfStale(root);
  }
}
