// The Node/V8 flags `npm start` passes to node, read from package.json's "start" script, so that the bench's
// server children run with exactly the flags users run (a heap limit changes both memory and speed).
import { readFileSync } from 'node:fs';

const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/**
 * The `--…` options between `node` and the script in a start command, e.g.
 * `node --max-old-space-size=160 dist/src/cli/main.js serve` → `['--max-old-space-size=160']`.
 * @param {string} command
 * @returns {string[]}
 */
export function nodeFlagsOf(command) {
  const words = command.trim().split(/\s+/);
  const node = words.indexOf('node');
  if (node < 0) throw new Error(`start script does not run node: ${command}`);
  const flags = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

/** The flags of this checkout's `npm start`. */
export function npmStartNodeFlags() {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8'));
  return nodeFlagsOf(pkg.scripts.start);
}
