#!/usr/bin/env node
// `npm run bench:admin`: the console's audit figures and search over a large log. See bench/README.md.
//
//   1. seeds N audit entries (default 1,000,000) for one tenant over 90 days into a temp SQLite file, and into
//      a throwaway PostgreSQL database when one is reachable: bulk inserts at migration 0012, then migration
//      0013 (the search indexes and the rollup backfill) as an upgrade would run it;
//   2. times the overview (rollup read + figures) for 24 h, 7 d, 30 d, 90 d; audit search pages (first, deep,
//      filtered); one entry by id; a CSV export; and appends through the real store (with and without the
//      search indexes, the cost they add to every write).
//
// Exits 0 whether the target is met or not (it is a measurement); non-zero only when the bench fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TENANT = 'acme';
const OVERVIEW_TARGET_MS = 300;

const HELP = `Usage: npm run bench:admin -- [options]     (or: node bench/admin-overview.mjs [options] after npm run build)

  --entries N        audit entries to seed (default 1000000)
  --days N           over how many days, ending now (default 90)
  --runs N           timed runs per measurement, after 2 untimed (default 15)
  --appends N        transactions (3 entries each) per append measurement (default 1000)
  --targets LIST     sqlite,postgres (default both; postgres is skipped when not reachable)
  --json FILE        also write the results as JSON
  --help             this text
`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      entries: { type: 'string', default: '1000000' },
      days: { type: 'string', default: '90' },
      runs: { type: 'string', default: '15' },
      appends: { type: 'string', default: '1000' },
      targets: { type: 'string', default: 'sqlite,postgres' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name, min) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got "${values[name]}"`);
    return value;
  };
  const targets = new Set(values.targets.split(',').map((t) => t.trim()).filter(Boolean));
  for (const t of targets) if (t !== 'sqlite' && t !== 'postgres') throw new Error(`--targets: unknown target "${t}"`);
  return { help: values.help, entries: number('entries', 1000), days: number('days', 1), runs: number('runs', 1), appends: number('appends', 0), targets, json: values.json };
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error.message}\n\n${HELP}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!existsSync(join(ROOT, 'dist/src/adapters/store/audit-search.js'))) {
    process.stderr.write('bench: dist/ is missing or old; run `npm run bench:admin` (it builds first) or `npm run build`.\n');
    return 2;
  }
  const { machineInfo } = await import('./lib/machine.mjs');
  const { runTarget, printTarget } = await import('./lib/admin-overview-phases.mjs');
  const say = (line = '') => process.stdout.write(`${line}\n`);
  const results = { date: new Date().toISOString(), machine: machineInfo(), code: codeVersion(), options: { ...options, targets: [...options.targets] }, targets: {} };
  const m = results.machine;
  say(`Unlatch admin bench (audit overview and search) — ${results.date}`);
  say(`node ${m.node}, ${m.cores} cores (${m.cpu}), ${m.memoryMb} MB RAM, load average ${m.loadavg.join(' ')}`);
  say(`code: ${results.code}`);
  say(`log: ${options.entries.toLocaleString('en')} entries for tenant "${TENANT}" over ${options.days} days; ${options.runs} timed runs per figure (median, p90)`);

  const endMs = Date.now();
  if (options.targets.has('sqlite')) {
    const dir = mkdtempSync(join(tmpdir(), 'unlatch-bench-admin-'));
    try {
      const path = join(dir, 'bench.db');
      results.targets.sqlite = await runTarget({ kind: 'sqlite', url: `sqlite:${path}`, path, tenantId: TENANT, endMs, options, say });
      results.targets.sqlite.fileBytes = statSync(path).size;
      printTarget('SQLite', results.targets.sqlite, OVERVIEW_TARGET_MS, say);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  if (options.targets.has('postgres')) {
    const { createBenchDatabase } = await import('./lib/pg-bench-database.mjs');
    let database = null;
    try {
      database = await createBenchDatabase();
    } catch (error) {
      say(`\nPostgreSQL: not reachable (${error.message}); skipped.`);
    }
    if (database) {
      try {
        results.targets.postgres = await runTarget({ kind: 'postgres', url: database.url, tenantId: TENANT, endMs, options, say, serverVersion: database.serverVersion });
        printTarget(`PostgreSQL ${database.serverVersion}`, results.targets.postgres, OVERVIEW_TARGET_MS, say);
      } finally {
        await database.drop();
      }
    }
  }
  if (options.json) writeFileSync(options.json, `${JSON.stringify(results, null, 2)}\n`);
  return 0;
}

function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const changed = git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length;
    return changed > 0 ? `${head} + uncommitted changes in ${changed} tracked files` : head;
  } catch {
    return 'unknown (no git)';
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench FAILED: ${error.stack ?? error}\n`);
    process.exit(1);
  },
);
