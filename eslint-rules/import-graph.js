// The project's relative import graph, read from disk: what the import rules walk.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const cache = new Map();

/**
 * The files `file` imports or re-exports from statically, resolved to `.ts` paths (type-only imports too: they tie
 * the design as much). Cached by modification time, so an editor's long-lived lint process sees edits.
 */
export function importsOf(file) {
  let mtime;
  try {
    mtime = statSync(file).mtimeMs;
  } catch {
    return [];
  }
  const hit = cache.get(file);
  if (hit && hit.mtime === mtime) return hit.imports;
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;'"]*?from\s+'(\.[^']+)'/gms)].map((m) => m[1]);
  const imports = specifiers.map((s) => resolveSpecifier(file, s));
  cache.set(file, { mtime, imports });
  return imports;
}

/** A relative specifier (`./x.js`) as the `.ts` file it names. */
export function resolveSpecifier(file, specifier) {
  return resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
}

/** Whether a path names an existing file. */
function exists(path) {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The files on an import cycle through `start`, as the shortest path `start → … → start`; null when `start`
 * is on none. Walks only what `start` reaches, with `importsOf` (or a given graph, for tests).
 */
export function cycleThrough(start, importsOfFile = (f) => importsOf(f).filter(exists)) {
  // Breadth-first from start's imports; the first time start is reached again gives the shortest cycle.
  const previous = new Map();
  const queue = [];
  for (const next of importsOfFile(start)) {
    if (next === start) return [start, start];
    if (!previous.has(next)) {
      previous.set(next, start);
      queue.push(next);
    }
  }
  while (queue.length > 0) {
    const current = queue.shift();
    for (const next of importsOfFile(current)) {
      if (next === start) {
        const path = [start];
        for (let at = current; at !== start; at = previous.get(at)) path.unshift(at);
        return [start, ...path];
      }
      if (!previous.has(next)) {
        previous.set(next, current);
        queue.push(next);
      }
    }
  }
  return null;
}
