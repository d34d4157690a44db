#!/usr/bin/env node
// The second step of `npm run build`: dist/src (tsc's output, one file per module) → dist/server, what `npm start`,
// the `unlatch` command, the image and the service units run. Unlatch's ~650 modules, zod and kysely become a
// few chunks; every other package stays an ordinary import from node_modules. A node then holds ~11 MB less
// heap (one module record and source per chunk instead of per file, exports nobody imports left out, no
// comments): bench/RESULTS.md, "Issue 8: footprint and scaling, finished". Dynamic imports stay separate
// chunks, loaded when used.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Packages bundled with Unlatch's own code: pure ES modules with many files, nothing resolved at run time. */
const BUNDLED_PACKAGES = [/^zod(\/|$)/, /^kysely(\/|$)/];

/**
 * Entry points: the CLI, and what the benchmark's server child imports (it builds the app itself), so that it
 * measures the same bundle.
 */
export const ENTRIES = {
  main: 'src/cli/main.js',
  app: 'src/app.js',
  'load-config': 'src/config/load-config.js',
  'user-repository': 'src/adapters/store/user-repository.js',
};

export async function bundleServer(root) {
  const { rolldown } = await import('rolldown');
  const dist = join(root, 'dist');
  const out = join(dist, 'server');
  rmSync(out, { recursive: true, force: true });
  const bundle = await rolldown({
    input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(dist, file)])),
    platform: 'node',
    external: (id) => !(id.startsWith('.') || id.startsWith('/') || id.startsWith('\0') || BUNDLED_PACKAGES.some((p) => p.test(id))),
    logLevel: 'warn',
  });
  try {
    // Not minified: stack traces in the logs keep Unlatch's own function names.
    await bundle.write({ dir: out, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', comments: { legal: true, annotation: false, jsdoc: false } });
  } finally {
    await bundle.close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await bundleServer(resolve(fileURLToPath(new URL('..', import.meta.url))));
}
