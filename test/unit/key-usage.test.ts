import { describe, expect, it } from 'vitest';
import { describeCount, groupByKey, methodSecretKind, removedKeyProblem, type KeyUsageCount } from '../../src/core/crypto/key-usage.js';
import { keyReport } from '../../src/cli/key-report.js';

const usage: KeyUsageCount[] = [
  { keyId: 'k1', kind: 'queued_messages', count: 2 },
  { keyId: 'k1', kind: 'authenticator_seeds', count: 3 },
  { keyId: 'k2', kind: 'authenticator_seeds', count: 5 },
  { keyId: 'k1', kind: 'live_codes', count: 0 },
];

describe('what a key still protects', () => {
  it('names method secrets by the method kind', () => {
    expect(['totp', 'questions', 'sms_code', 'email_code', 'passkey'].map(methodSecretKind)).toEqual([
      'authenticator_seeds', 'security_answers', 'contact_codes', 'contact_codes', 'other_secrets',
    ]);
  });

  it('counts in words, singular and plural', () => {
    expect(describeCount('authenticator_seeds', 1)).toBe('1 authenticator seed');
    expect(describeCount('backup_codes', 10)).toBe('10 unused backup codes');
  });

  it('groups per key in report order, adding up repeated kinds and leaving out zeros', () => {
    const grouped = groupByKey([...usage, { keyId: 'k1', kind: 'live_codes', count: 2 }, { keyId: 'k1', kind: 'live_codes', count: 1 }]);
    expect([...grouped.keys()]).toEqual(['k1', 'k2']);
    expect([...grouped.get('k1')!]).toEqual([['authenticator_seeds', 3], ['queued_messages', 2], ['live_codes', 3]]);
  });
});

describe('removing a key that still protects records', () => {
  it('is fine when every key named is in the ring', () => {
    expect(removedKeyProblem(usage, ['k2', 'k1'])).toBeNull();
  });

  it('names the removed key, the counts, and says to put it back and rotate', () => {
    expect(removedKeyProblem(usage, ['k2'])).toBe(
      "config: secrets.keys: key 'k1' was removed but still seals 3 authenticator seeds and 2 queued messages; put it back and run `unlatch keys rotate` first",
    );
  });

  it('says backup codes cannot be re-sealed and live codes run out', () => {
    const problem = removedKeyProblem([{ keyId: 'old', kind: 'backup_codes', count: 10 }, { keyId: 'old', kind: 'live_codes', count: 1 }], ['new']);
    expect(problem).toBe(
      "config: secrets.keys: key 'old' was removed but still checks 10 unused backup codes and 1 live code; put it back; backup codes cannot be re-sealed: keep the key until their owners regenerate them; live codes run out within minutes",
    );
  });

  it('names every removed key, and ignores a removed key that protects nothing', () => {
    const problem = removedKeyProblem([...usage, { keyId: 'k0', kind: 'security_answers', count: 1 }, { keyId: 'gone', kind: 'queued_messages', count: 0 }], ['k2']);
    expect(problem).toContain("key 'k1' was removed but still seals 3 authenticator seeds and 2 queued messages");
    expect(problem).toContain("key 'k0' was removed but still seals 1 set of security-question answers");
    expect(problem).not.toContain('gone');
  });
});

describe('the keys report of the CLI', () => {
  it('lists each key, what to rotate and what can go', () => {
    const report = keyReport([...usage, { keyId: 'k1', kind: 'backup_codes', count: 4 }], ['k2', 'k1', 'k0']);
    expect(report).toEqual({
      missingKeys: false,
      lines: [
        'key k2 (newest): 5 authenticator seeds',
        'key k1: 3 authenticator seeds, 2 queued messages, 4 unused backup codes (cannot be re-sealed)',
        'key k0: nothing',
        '5 records are sealed under older keys: run `unlatch keys rotate` to re-seal them under k2',
        '4 unused backup codes are checked with older keys: keep those keys until their owners regenerate them',
        'nothing needs k0 any more: it can be removed from secrets.keys',
      ],
    });
  });

  it('flags records under a key the ring lacks, without echoing control characters', () => {
    const report = keyReport([{ keyId: 'x\u001b[2J', kind: 'queued_messages', count: 1 }], ['k2']);
    expect(report.missingKeys).toBe(true);
    expect(report.lines[1]).toBe('key x\uFFFD[2J (NOT in the ring: these records cannot be read): 1 queued message');
  });
});
