import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { normalizeForComparison } from '../../core/password/password-policy.js';
import type { Blocklist } from '../../core/ports/password-strength.js';

/**
 * Parses a newline-separated list: one password per line, blank lines and lines starting with `#`
 * skipped. Spaces inside a line are kept: they are part of the password.
 */
export function parseBlocklist(text: string): Blocklist {
  const entries = new Set<string>();
  for (const line of text.split('\n')) {
    const entry = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (entry.trim() === '' || entry.startsWith('#')) continue;
    entries.add(normalizeForComparison(entry));
  }
  return { has: (normalized) => entries.has(normalized), size: entries.size };
}

/** Reads a blocklist file once, synchronously: it runs at start-up, before any request. */
export function loadBlocklistFile(path: string): Blocklist {
  return parseBlocklist(readFileSync(path, 'utf8'));
}

/**
 * `assets/common-passwords.txt` of this package. Walks up to the directory holding package.json,
 * so the same code works from `src/` (vitest, tsx) and from `dist/src/` (after `tsc`).
 */
export function defaultBlocklistPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('defaultBlocklistPath: no package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return join(dir, 'assets', 'common-passwords.txt');
}
