import { mkdtempSync, rmSync, unlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ReputationLists } from '../../src/adapters/risk/reputation-lists.js';

const dir = mkdtempSync(join(tmpdir(), 'unlatch-reputation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder() {
  const warnings: Array<{ details: Record<string, unknown>; message: string }> = [];
  return { warnings, events: { warn: (details: Record<string, unknown>, message: string) => warnings.push({ details, message }) } };
}

describe('IP reputation lists', () => {
  it('reads addresses and CIDRs of both families, skips comments, and warns about a bad line by file and line', () => {
    const file = join(dir, 'mixed.txt');
    writeFileSync(file, '# exits\n192.0.2.0/24\n198.51.100.7  # one host\n\n2001:db8::/32\nnot-an-address\n10.0.0.0/33\n');
    const { warnings, events } = recorder();
    const lists = new ReputationLists([{ name: 'tor', file, points: 40 }, { name: 'vpn', file, points: 10 }], events, { watch: false });
    try {
      expect(lists.lookup('192.0.2.200')).toEqual([{ name: 'tor', points: 40 }, { name: 'vpn', points: 10 }]);
      expect(lists.lookup('198.51.100.7')).toHaveLength(2);
      expect(lists.lookup('198.51.100.8')).toEqual([]);
      expect(lists.lookup('2001:db8:ffff::1')).toHaveLength(2);
      expect(lists.lookup('2001:db9::1')).toEqual([]);
      expect(lists.lookup('garbage')).toEqual([]);
      expect(warnings.map((w) => w.details)).toEqual([{ file, line: 6 }, { file, line: 7 }, { file, line: 6 }, { file, line: 7 }]);
      expect(warnings[0]!.message).toContain(`${file} line 6`);
    } finally {
      lists.close();
    }
  });

  it('refuses a missing file at start, naming the key', () => {
    expect(() => new ReputationLists([{ name: 'x', file: join(dir, 'absent.txt'), points: 5 }], recorder().events)).toThrow(/risk\.reputationLists\.0\.file/);
  });

  it('reloads a changed file and keeps the last copy when it disappears', () => {
    const file = join(dir, 'reload.txt');
    writeFileSync(file, '192.0.2.1\n');
    const { warnings, events } = recorder();
    const lists = new ReputationLists([{ name: 'bad', file, points: 20 }], events, { watch: false });
    try {
      expect(lists.lookup('192.0.2.2')).toEqual([]);
      writeFileSync(file, '192.0.2.0/24\n');
      utimesSync(file, new Date(), new Date(Date.now() + 5000));
      expect(lists.refresh()).toBe(1);
      expect(lists.lookup('192.0.2.2')).toEqual([{ name: 'bad', points: 20 }]);
      expect(lists.refresh()).toBe(0);
      unlinkSync(file);
      expect(lists.refresh()).toBe(0);
      expect(lists.lookup('192.0.2.2')).toHaveLength(1);
      expect(warnings.at(-1)?.message).toMatch(/missing/);
    } finally {
      lists.close();
    }
  });

  it('notices a change on its own (fs.watch or the periodic check)', async () => {
    const file = join(dir, 'watched.txt');
    writeFileSync(file, '# nothing yet\n');
    const lists = new ReputationLists([{ name: 'w', file, points: 20 }], recorder().events, { pollMs: 50 });
    try {
      writeFileSync(file, '203.0.113.0/24\n');
      await expect.poll(() => lists.lookup('203.0.113.9').length, { timeout: 5000 }).toBe(1);
    } finally {
      lists.close();
    }
  });
});
