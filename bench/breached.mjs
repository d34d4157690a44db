#!/usr/bin/env node
// The offline breached-password check at scale (issue 13, item 4): generate a Pwned-Passwords-format list of
// --entries random SHA-1 hashes, time `unlatch breached import` on it in a child process (entries/s, MB/s,
// peak RSS), extrapolate to 1e9 entries, and time lookups (p50/p99 µs) for hits and misses, cold and warm.
// Run alone (`npm run bench:breached`, after a build) or as phase H of `npm run bench`.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Sorted uniform hashes without sorting them all: 2^20 five-digit prefixes in order, each with its share of random suffixes. */
function writeList(path, entries, sampleEvery) {
  const fd = openSync(path, 'w');
  const sample = [];
  let out = '';
  let written = 0;
  for (let prefix = 0; prefix < 1 << 20; prefix++) {
    const count = Math.floor(((prefix + 1) * entries) / 2 ** 20) - Math.floor((prefix * entries) / 2 ** 20);
    const p = prefix.toString(16).toUpperCase().padStart(5, '0');
    const bytes = randomBytes(count * 18).toString('hex').toUpperCase();
    const suffixes = [];
    for (let i = 0; i < count; i++) suffixes.push(bytes.slice(i * 36, i * 36 + 35));
    suffixes.sort();
    for (const s of suffixes) {
      if (written++ % sampleEvery === 0) sample.push(p + s);
      out += `${p}${s}:${(written % 40) + 1}\r\n`;
    }
    if (out.length > 1 << 22) {
      writeSync(fd, out);
      out = '';
    }
  }
  writeSync(fd, out);
  closeSync(fd);
  return sample;
}

/** Peak RSS of a child (VmHWM), polled until it exits. */
function runMeasured(args, env) {
  return new Promise((resolveRun, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        /* exited */
      }
    }, 100);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      else {
        // The child's own CPU time and peak RSS, written by the --import hook at its exit (see RUSAGE_HOOK).
        const usage = /RUSAGE (\{.*\})/.exec(stderr);
        const r = usage ? JSON.parse(usage[1]) : null;
        resolveRun({ seconds, peakRss: r ? r.maxRSS * 1024 : peakKb * 1024, cpuSeconds: r ? (r.userCPUTime + r.systemCPUTime) / 1e6 : null, stdout, stderr });
      }
    });
  });
}

/** Loaded into the import child with --import: at exit it reports its CPU time and peak RSS on stderr. */
const RUSAGE_HOOK = `data:text/javascript,process.on('exit',()=>process.stderr.write('RUSAGE '+JSON.stringify(process.resourceUsage())+'\\n'))`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function latency(samplesNs) {
  const us = samplesNs.map((n) => Number(n) / 1000).sort((a, b) => a - b);
  return { n: us.length, p50: percentile(us, 50), p99: percentile(us, 99), max: us.at(-1) };
}

/** Lookups in this process (it is the child of the lookup phase): cold first, then warm. */
async function lookups({ dist, filter, sampleFile, cold, warm }) {
  const { FilterReader } = await import(pathToFileURL(join(dist, 'src/adapters/password/breached/filter-reader.js')).href);
  const hits = readFileSync(sampleFile, 'utf8').trim().split('\n').map((h) => Buffer.from(h, 'hex'));
  const misses = (n) => Array.from({ length: n }, () => randomBytes(20));
  const time = (reader, keys, expect) => {
    const out = [];
    for (const k of keys) {
      const t = process.hrtime.bigint();
      const found = reader.hasDigest(k);
      out.push(process.hrtime.bigint() - t);
      if (expect && !found) throw new Error('a member was not found');
    }
    return out;
  };
  const shuffled = (a) => a.map((v) => [Math.random(), v]).sort((x, y) => x[0] - y[0]).map(([, v]) => v);
  const result = {};
  // Cold: the file's pages were dropped from the page cache just before (dd iflag=nocache), and each key is new.
  let reader = FilterReader.open(filter);
  const coldHits = shuffled(hits).slice(0, cold);
  const coldSamples = { hit: [], miss: [] };
  const coldMisses = misses(cold);
  for (let i = 0; i < cold; i++) {
    coldSamples.hit.push(...time(reader, [coldHits[i]], true));
    coldSamples.miss.push(...time(reader, [coldMisses[i]], false));
  }
  result.coldHit = latency(coldSamples.hit);
  result.coldMiss = latency(coldSamples.miss);
  reader.close();
  // Warm: the whole file read once (as a busy server's page cache would hold it), then many lookups.
  readFileSync(filter);
  reader = FilterReader.open(filter);
  const warmHits = Array.from({ length: warm }, (_, i) => hits[i % hits.length]);
  time(reader, warmHits.slice(0, 10_000), true);
  result.warmHit = latency(time(reader, warmHits, true));
  result.warmMiss = latency(time(reader, misses(warm), false));
  // A miss as the password step makes it: SHA-1 of the typed password, then the lookup.
  const passwords = Array.from({ length: warm }, () => randomBytes(12).toString('base64'));
  const pw = [];
  for (const p of passwords) {
    const t = process.hrtime.bigint();
    reader.hasPassword(p);
    pw.push(process.hrtime.bigint() - t);
  }
  result.warmPasswordMiss = latency(pw);
  reader.close();
  return result;
}

export async function runBreachedBench(options = {}) {
  const entries = options.entries ?? 12_000_000;
  const dist = resolve(ROOT, options.dist ?? 'dist');
  const say = options.say ?? ((line) => process.stdout.write(`${line}\n`));
  const dir = mkdtempSync(join(options.tmp ?? tmpdir(), 'unlatch-bench-breached-'));
  try {
    const list = join(dir, 'pwned-passwords-sha1-ordered-by-hash.txt');
    const filter = join(dir, 'breached-sha1.filter');
    say(`H  breached filter: generating ${entries.toLocaleString('en')} random SHA-1 hashes in the official format…`);
    const genStart = Date.now();
    const sample = writeList(list, entries, Math.max(1, Math.floor(entries / 200_000)));
    const inputBytes = statSync(list).size;
    say(`   ${(inputBytes / 1e6).toFixed(0)} MB written in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);
    const sampleFile = join(dir, 'sample.txt');
    writeFileSync(sampleFile, sample.join('\n'));

    const run = await runMeasured(['--import', RUSAGE_HOOK, join(dist, 'src/cli/main.js'), 'breached', 'import', list, '--out', filter], { ...process.env, UNLATCH_CONFIG: '' });
    const filterBytes = statSync(filter).size;
    const imported = Number(/: (\d+) entries/.exec(run.stdout)?.[1] ?? entries);
    const importResult = {
      entries: imported,
      inputBytes,
      filterBytes,
      seconds: run.seconds,
      cpuSeconds: run.cpuSeconds,
      entriesPerSecond: imported / run.seconds,
      entriesPerCpuSecond: run.cpuSeconds ? imported / run.cpuSeconds : null,
      mbPerSecond: inputBytes / 1e6 / run.seconds,
      peakRss: run.peakRss,
      bytesPerEntry: filterBytes / imported,
      partitions: Number(/(\d+) partitions/.exec(run.stdout)?.[1] ?? 0),
    };
    const perBillion = {
      seconds: 1e9 / importResult.entriesPerSecond,
      cpuSeconds: importResult.entriesPerCpuSecond ? 1e9 / importResult.entriesPerCpuSecond : null,
      inputBytes: (inputBytes / imported) * 1e9,
      filterBytes: importResult.bytesPerEntry * 1e9,
    };

    let dropped = true;
    try {
      execFileSync('dd', [`if=${filter}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' });
    } catch {
      dropped = false;
    }
    const lookupRun = await runMeasured([fileURLToPath(import.meta.url), '--lookup-child', JSON.stringify({ dist, filter, sampleFile, cold: options.cold ?? 500, warm: options.warm ?? 200_000 })], process.env);
    const lookup = JSON.parse(lookupRun.stdout);
    const result = { import: importResult, perBillion, lookup, pageCacheDropped: dropped };
    for (const line of reportLines(result)) say(line);
    return result;
  } finally {
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}

export function reportLines(r) {
  const i = r.import;
  const b = r.perBillion;
  const f = (n, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
  const l = (x) => `p50 ${f(x.p50, 1)} µs, p99 ${f(x.p99, 1)} µs (n=${f(x.n)})`;
  return [
    `   import: ${f(i.entries)} entries, ${f(i.inputBytes / 1e6)} MB in ${f(i.seconds, 1)} s wall = ${f(i.entriesPerSecond)} entries/s, ${f(i.mbPerSecond, 1)} MB/s; CPU ${i.cpuSeconds === null ? '?' : `${f(i.cpuSeconds, 1)} s = ${f(i.entriesPerCpuSecond)} entries per CPU-second`}; peak RSS ${f(i.peakRss / 1048576)} MiB; ${i.partitions} partitions`,
    `   filter: ${f(i.filterBytes)} bytes = ${f(i.bytesPerEntry, 4)} bytes/entry`,
    `   1e9 entries: 1e9 / ${f(i.entriesPerSecond)} entries/s = ${f(b.seconds / 60, 1)} min at this run's pace${b.cpuSeconds ? `, 1e9 / ${f(i.entriesPerCpuSecond)} = ${f(b.cpuSeconds / 60, 1)} min of one core` : ''}; input ≈ ${f(b.inputBytes / 1e9, 1)} GB; filter = ${f(i.bytesPerEntry, 4)} × 1e9 = ${f(b.filterBytes / 1e9, 2)} GB (target ≤ 1.2 GB)`,
    `   lookups, cold${r.pageCacheDropped ? ' (file dropped from the page cache)' : ' (page cache could NOT be dropped)'}: hit ${l(r.lookup.coldHit)}; miss ${l(r.lookup.coldMiss)}`,
    `   lookups, warm: hit ${l(r.lookup.warmHit)}; miss ${l(r.lookup.warmMiss)}; password miss incl. SHA-1 ${l(r.lookup.warmPasswordMiss)}`,
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--lookup-child') {
    process.stdout.write(JSON.stringify(await lookups(JSON.parse(process.argv[3]))));
  } else {
    const { values } = parseArgs({
      options: { entries: { type: 'string', default: '12000000' }, dist: { type: 'string', default: 'dist' }, json: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (values.help) {
      process.stdout.write('Usage: node bench/breached.mjs [--entries N (default 12000000)] [--dist DIR] [--json FILE] [--keep]\n');
    } else {
      const result = await runBreachedBench({ entries: Number(values.entries), dist: values.dist, keep: values.keep });
      if (values.json) writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2));
    }
  }
}
