import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importBreachedList } from '../../src/adapters/password/breached/filter-import.js';
import { FilterReader } from '../../src/adapters/password/breached/filter-reader.js';
import { dataOffset } from '../../src/core/password/breached/filter-format.js';
import { ntHash } from '../../src/core/password/breached/md4.js';
import { cli } from '../helpers/cli-runner.js';
import { randomHashes, writeHashList, writeRangeFolder } from '../helpers/breached-lists.js';

const dir = mkdtempSync(join(tmpdir(), 'unlatch-breached-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixedNow = () => new Date('2026-12-01T00:00:00Z');
const bytesOf = (hex: string) => Buffer.from(hex, 'hex');

describe('breached import: a generated list of half a million hashes in the official format', () => {
  const list = join(dir, 'pwned-sha1.txt');
  const out = join(dir, 'pwned-sha1.filter');
  let members: string[] = [];
  beforeAll(() => {
    members = writeHashList(list, { count: 500_000, passwords: ['correct horse battery staple'] });
  }, 120_000);

  it('imports in one pass; every member is found; ≤ 1.2 bytes an entry; FPR on 1,000,000 random passwords ≤ 1/200', async () => {
    const run = await cli(['breached', 'import', list, '--out', out]);
    expect(run.stderr).not.toMatch(/unlatch breached import:/);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/wrote .*: 500001 entries/);
    expect(run.stderr).toMatch(/100\.0% · 500,001 entries · [\d,]+ entries\/s · ETA done/);
    expect(existsSync(`${out}.partial`) || existsSync(`${out}.progress`)).toBe(false);

    const reader = FilterReader.open(out);
    // A full-size filter is probed by positioned reads; one this small is held in memory. Both give the same answers.
    const positioned = FilterReader.open(out, { holdInMemoryBytes: 0 });
    try {
      expect(reader.inMemory).toBe(true);
      expect(positioned.inMemory).toBe(false);
      expect(reader.header.entryCount).toBe(members.length);
      const bytesPerEntry = reader.fileSize / members.length;
      expect(bytesPerEntry).toBeLessThanOrEqual(1.2);
      let missing = 0;
      for (const h of members) if (!reader.hasDigest(bytesOf(h))) missing++;
      expect(missing).toBe(0);
      expect(reader.hasPassword('correct horse battery staple')).toBe(true);

      let falsePositives = 0;
      const trials = 1_000_000;
      const seeds = randomBytes(trials * 12);
      for (let i = 0; i < trials; i++) {
        if (reader.hasPassword(seeds.subarray(i * 12, i * 12 + 12).toString('base64'))) falsePositives++;
      }
      const rate = falsePositives / trials;
      // Expected 1/256 ≈ 0.0039; the bound of the issue is 1/200 = 0.005 (about 17 standard deviations above).
      expect(rate).toBeLessThanOrEqual(1 / 200);
      expect(rate).toBeGreaterThan(0.002); // a filter that says "no" to everything would not be checking anything
      process.stdout.write(`breached filter: ${members.length} entries, ${reader.fileSize} bytes, ${bytesPerEntry.toFixed(4)} bytes/entry, FPR ${falsePositives}/${trials} = ${rate.toFixed(5)}\n`);

      // Positioned reads: every one of 20,000 members found, and the same answer as in memory for 100,000 others.
      let missed = 0;
      for (let i = 0; i < members.length; i += 25) if (!positioned.hasDigest(bytesOf(members[i]!))) missed++;
      expect(missed).toBe(0);
      let differ = 0;
      let positives = 0;
      for (let i = 0; i < 100_000; i++) {
        const password = seeds.subarray(i * 12, i * 12 + 12).toString('base64');
        const answer = positioned.hasPassword(password);
        if (answer) positives++;
        if (answer !== reader.hasPassword(password)) differ++;
      }
      expect(differ).toBe(0);
      expect(positives).toBeGreaterThan(0); // the same false positives too, not only the same "no"s
    } finally {
      reader.close();
      positioned.close();
    }
  }, 600_000);

  it('status shows file, kind, entries, size, bytes per entry, created and source', async () => {
    const run = await cli(['breached', 'status', '--file', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`file:          ${out}`);
    expect(run.stdout).toMatch(/kind:\s+sha1/);
    expect(run.stdout).toMatch(/entries:\s+500001\n/);
    expect(run.stdout).toMatch(/bytes\/entry:\s+1\.1\d\d\n/);
    expect(run.stdout).toMatch(/created:\s+\d{4}-\d\d-\d\dT/);
    expect(run.stdout).toContain('source:        SHA-1 list, file ');
  });

  it('a damaged or truncated file is refused with a reason', async () => {
    const bytes = readFileSync(out);
    const damaged = join(dir, 'damaged.filter');
    const flipped = Buffer.from(bytes.subarray(0, 4096));
    flipped[120] = flipped[120]! ^ 0xff; // inside the partition index (the header is 104 bytes here)
    writeFileSync(damaged, Buffer.concat([flipped, bytes.subarray(4096)]));
    const bad = await cli(['breached', 'status', '--file', damaged]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('checksum mismatch');
    writeFileSync(damaged, bytes.subarray(0, bytes.length - 10));
    expect((await cli(['breached', 'status', '--file', damaged])).stderr).toContain('truncated');
    writeFileSync(damaged, 'hello');
    expect((await cli(['breached', 'status', '--file', damaged])).stderr).toContain('too short');
    expect((await cli(['breached', 'status', '--file', join(dir, 'none.filter')])).stderr).toContain('file not found');
  });
});

describe('breached import: input forms and bad input', () => {
  it('the range-file folder gives the same filter as the one ordered file', async () => {
    // 60,000 hashes under 700 prefixes: range files of about 86 lines each.
    const prefixes = randomHashes(700).map((h) => h.slice(0, 5));
    const hashes = randomHashes(60_000).map((h, i) => prefixes[i % 700]! + h.slice(5)).sort();
    const folder = join(dir, 'ranges');
    writeRangeFolder(folder, hashes);
    const file = join(dir, 'same.txt');
    writeFileSync(file, hashes.map((h) => `${h}:3`).join('\n'));
    const fromFolder = await importBreachedList({ input: folder, output: join(dir, 'folder.filter'), kind: 'sha1', partitionBits: 3, now: fixedNow });
    const fromFile = await importBreachedList({ input: file, output: join(dir, 'file.filter'), kind: 'sha1', partitionBits: 3, now: fixedNow });
    expect(fromFolder.entries).toBe(60_000);
    expect(fromFile.entries).toBe(60_000);
    const data = (path: string) => {
      const r = FilterReader.open(path);
      r.close();
      return readFileSync(path).subarray(dataOffset(r.header.headerLength, r.header.partitionCount));
    };
    expect(data(join(dir, 'folder.filter')).equals(data(join(dir, 'file.filter')))).toBe(true);
    const reader = FilterReader.open(join(dir, 'folder.filter'));
    expect(hashes.every((h) => reader.hasDigest(bytesOf(h)))).toBe(true);
    reader.close();
  });

  it('repeated lines count once; lowercase hex and lines without a count are read', async () => {
    const [a, b] = randomHashes(2).sort() as [string, string];
    const file = join(dir, 'dups.txt');
    writeFileSync(file, `${a}:1\n${a}:1\n${b.toLowerCase()}\n`);
    const result = await importBreachedList({ input: file, output: join(dir, 'dups.filter'), kind: 'sha1' });
    expect(result.entries).toBe(2);
  });

  it('unsorted input stops with a clear message and leaves no filter', async () => {
    const hashes = randomHashes(1000).sort();
    [hashes[500], hashes[501]] = [hashes[501]!, hashes[500]!];
    const file = join(dir, 'unsorted.txt');
    writeFileSync(file, hashes.map((h) => `${h}:1`).join('\r\n'));
    const run = await cli(['breached', 'import', file, '--out', join(dir, 'unsorted.filter')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 502: the input is not sorted by hash/);
    expect(existsSync(join(dir, 'unsorted.filter'))).toBe(false);
  });

  it('a line that is not a hash of the kind names the line', async () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, `${randomHashes(1)[0]}:1\nnot-a-hash:2\n`);
    const run = await cli(['breached', 'import', file, '--out', join(dir, 'bad.filter')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('line 2: expected 40 hex digits');
    const ntlm = await cli(['breached', 'import', file, '--kind', 'ntlm', '--out', join(dir, 'bad.filter')]);
    expect(ntlm.stderr).toContain('line 1: expected 32 hex digits');
  });

  it('NTLM: import the NT-hash list, then check an AD audit export on stdin', async () => {
    const breachedNt = ['Summer2024!', 'P@ssw0rd', 'letmein'].map((p) => Buffer.from(ntHash(p)).toString('hex').toUpperCase());
    const file = join(dir, 'pwned-ntlm.txt');
    writeFileSync(file, [...randomHashes(20_000, 32), ...breachedNt].sort().map((h) => `${h}:9`).join('\r\n'));
    const out = join(dir, 'ntlm.filter');
    const run = await cli(['breached', 'import', '--kind', 'ntlm', file, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect((await cli(['breached', 'status', '--kind', 'ntlm', '--file', out])).stdout).toMatch(/kind:\s+ntlm/);

    const nt = (p: string) => Buffer.from(ntHash(p)).toString('hex');
    const audit = [
      `alice:1104:aad3b435b51404eeaad3b435b51404ee:${nt('Summer2024!')}:::`,
      `bob:1105:aad3b435b51404eeaad3b435b51404ee:${nt('a long and unusual passphrase 8841')}:::`,
      `carol:${nt('P@ssw0rd')}`,
      nt('letmein').toUpperCase(),
      'garbage line',
    ].join('\n');
    const check = await cli(['breached', 'check', '--kind', 'ntlm', '--file', out], { stdin: audit });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toBe(`breached alice\nbreached carol\nbreached ${nt('letmein').toUpperCase()}\n`);
    expect(check.stderr).toContain('3 of 4 hashes are in the breach list; 1 lines held no 32-digit hash');
    // The SHA-1 filter is not an NTLM one.
    const wrongKind = await cli(['breached', 'check', '--kind', 'sha1', '--file', out], { stdin: '' });
    expect(wrongKind.stderr).toContain('holds the ntlm list, not sha1');
  });
});

describe('breached import: resumable', () => {
  it('a killed import continues from the last finished partition and ends with the same file', async () => {
    const list = join(dir, 'resume.txt');
    writeHashList(list, { count: 400_000 });
    const reference = join(dir, 'reference.filter');
    await importBreachedList({ input: list, output: reference, kind: 'sha1', partitionBits: 6, now: fixedNow });

    const out = join(dir, 'resumed.filter');
    const child = spawn(process.execPath, [join(import.meta.dirname, '../helpers/breached-import-child.mjs'), list, out, 'sha1', '6'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill it once a few partitions are done, well before the end (64 partitions).
    const deadline = Date.now() + 60_000;
    let done = 0;
    while (Date.now() < deadline) {
      try {
        done = (JSON.parse(readFileSync(`${out}.progress`, 'utf8')) as { partitionsDone: number }).partitionsDone;
      } catch {
        done = 0;
      }
      if (done >= 4 || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    expect(stderr).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(done).toBeGreaterThanOrEqual(4);

    const notices: string[] = [];
    const resumed = await importBreachedList({ input: list, output: out, kind: 'sha1', partitionBits: 6, now: fixedNow, onNotice: (l) => notices.push(l) });
    expect(resumed.resumedAt).toBeGreaterThanOrEqual(4);
    expect(resumed.resumedAt).toBeLessThan(64);
    expect(notices.join('\n')).toMatch(/resuming at partition \d+ of 64/);
    expect(readFileSync(out).equals(readFileSync(reference))).toBe(true);
  }, 120_000);
});
