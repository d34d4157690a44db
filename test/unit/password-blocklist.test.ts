import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultBlocklistPath, loadBlocklistFile, parseBlocklist } from '../../src/adapters/password/file-blocklist.js';
import { normalizeForComparison } from '../../src/core/password/password-policy.js';

describe('shipped assets/common-passwords.txt', () => {
  const path = defaultBlocklistPath();

  it('is found relative to the package root', () => {
    expect(path.endsWith(join('assets', 'common-passwords.txt'))).toBe(true);
  });

  it('names its source and license in a # header', () => {
    const head = readFileSync(path, 'utf8').split('\n').slice(0, 6).join('\n');
    expect(head).toMatch(/^# /);
    expect(head).toMatch(/@zxcvbn-ts\/language-common/);
    expect(head).toMatch(/MIT/);
  });

  it('holds at least 10,000 entries, most common first', () => {
    const list = loadBlocklistFile(path);
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.slice(0, 2)).toEqual(['123456', 'password']);
  });

  it('loads fast enough for start-up', () => {
    const started = performance.now();
    loadBlocklistFile(path);
    expect(performance.now() - started).toBeLessThan(1000); // ~20–45 ms measured; generous for slow CI
  });

  it('matches case-insensitively through normalizeForComparison', () => {
    const list = loadBlocklistFile(path);
    for (const p of ['password', 'PASSWORD', 'PassWord', 'qwertyuiop', '123456789', 'ｐａｓｓｗｏｒｄ']) {
      expect(list.has(normalizeForComparison(p)), p).toBe(true);
    }
    expect(list.has(normalizeForComparison('correct horse battery staple violet'))).toBe(false);
  });
});

describe('parseBlocklist / loadBlocklistFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-blocklist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('skips blanks and # comments, keeps inner spaces, handles CRLF, normalises and dedupes', () => {
    const file = join(dir, 'list.txt');
    writeFileSync(file, '# our list\r\n\r\nHunter2\r\nhunter2\r\nAcme Rockets\r\n   \r\nＦＵＬＬ\n');
    const list = loadBlocklistFile(file);
    expect(list.size).toBe(3);
    expect(list.has('hunter2')).toBe(true);
    expect(list.has('acme rockets')).toBe(true);
    expect(list.has('acmerockets')).toBe(false);
    expect(list.has('full')).toBe(true);
    expect(list.has('# our list')).toBe(false);
  });

  it('matches whole entries only', () => {
    const list = parseBlocklist('dragon\n');
    expect(list.has('dragon')).toBe(true);
    expect(list.has('dragonfly')).toBe(false);
  });

  it('fails loudly on a missing file', () => {
    expect(() => loadBlocklistFile(join(dir, 'absent.txt'))).toThrow(/ENOENT/);
  });
});
