// A short text summary of a V8 .cpuprofile: where the server's main thread spent its time.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Top functions by self time, and a roll-up by area (npm package, unlatch's own code, node internals, GC, idle).
 * Native frames (better-sqlite3's `run`, a socket's `writev`) are charged to the area of their nearest JS caller;
 * the profiler's own work (serializing the profile at `Profiler.stop`) is left out. `root` shortens file URLs.
 */
export function summarizeProfile(file, { top = 15, root = process.cwd() } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const selfUs = new Map();
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }

  const byFunction = new Map();
  const byArea = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const frame = node.callFrame;
    let caller = null;
    if (!frame.url && !SPECIAL.has(frame.functionName)) {
      caller = parentOf.get(id);
      while (caller && !caller.callFrame.url) caller = parentOf.get(caller.id);
      if (caller?.callFrame.url === 'node:inspector') continue; // the profiler itself
    }
    total += us;
    const where = shorten(frame.url, root);
    let name = `${frame.functionName || '(anonymous)'} ${where ? `${where}:${frame.lineNumber + 1}` : ''}`.trim();
    if (caller) name += ` ← ${caller.callFrame.functionName || '(anonymous)'} ${shorten(caller.callFrame.url, root)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    const area = caller ? nativeAreaOf(caller.callFrame) : areaOf(frame);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  total ||= 1;
  const pct = (us) => `${((us / total) * 100).toFixed(1)}%`;
  const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    areas: sorted(byArea).map(([area, us]) => [area, pct(us)]),
    functions: sorted(byFunction).slice(0, top).map(([name, us]) => [name, pct(us)]),
  };
}

const SPECIAL = new Set(['(idle)', '(garbage collector)', '(program)', '(root)']);

/** Native work named by who asked for it: SQLite statements, socket writes, crypto, … */
function nativeAreaOf(callerFrame) {
  if (callerFrame.url.includes('dialect/sqlite/')) return 'SQLite statements (better-sqlite3, native)';
  if (callerFrame.url.startsWith('node:internal/stream_base') || callerFrame.url === 'node:net') return 'socket I/O (native)';
  if (callerFrame.url.startsWith('node:internal/crypto')) return 'crypto (native)';
  return `${areaOf(callerFrame)} (native)`;
}

function shorten(url, root) {
  if (!url) return '';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  return path.startsWith('/') ? relative(root, path) : path;
}

/** Rolls a frame up to "(idle)", "(gc)", "node internals", "unlatch dist", or the npm package. */
function areaOf(frame) {
  const { functionName, url } = frame;
  if (!url) {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native, not JS)';
    return `native ${functionName}`;
  }
  if (url.startsWith('node:')) return 'node internals';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  if (url.includes('/dist/')) return 'unlatch (dist)';
  return 'other';
}
