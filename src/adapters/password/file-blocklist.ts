import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../package-root.js';
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

/** `assets/common-passwords.txt` of this package, found from the package root under `src/` and `dist/src/` alike. */
export function defaultBlocklistPath(): string {
  return join(packageRoot(), 'assets', 'common-passwords.txt');
}
