import { describe, expect, it } from 'vitest';
import type { AdPasswordRules } from '../../src/adapters/directory/ad-password-rules.js';
import { adRejectionReasons, duration } from '../../src/adapters/directory/ad-rejection.js';

const DOMAIN: AdPasswordRules = {
  source: 'domain',
  minLength: 8,
  historyLength: 24,
  complexity: true,
  minAgeSeconds: 86_400,
  maxAgeSeconds: 42 * 86_400,
  lockoutThreshold: 5,
  lockoutDurationSeconds: 1800,
  lockoutObservationWindowSeconds: 1800,
};

describe('adRejectionReasons: what a person is told when AD refuses a password', () => {
  it("Windows' unspecified refusal lists every rule AD may have applied, with the domain's numbers", () => {
    const [reason] = adRejectionReasons('unspecified', DOMAIN, 'Whatever1!');
    expect(reason).toEqual({
      code: 'directory_policy',
      params: {
        rule: 'unspecified',
        detail:
          "AD's rules: this password was used recently, is too young to change, or does not meet complexity — AD requires " +
          'at least 8 characters; characters from at least three of: upper-case letters, lower-case letters, digits, and symbols; ' +
          'and no part of your account name or full name; not one of your last 24 passwords; at most one change every 1 day.',
      },
    });
  });

  it('leaves out the rules the domain does not have', () => {
    const [reason] = adRejectionReasons('unspecified', { ...DOMAIN, complexity: false, historyLength: 0, minAgeSeconds: 0 }, 'x');
    expect(reason?.params?.detail).toBe("AD's rules: this password was used recently, is too young to change, or does not meet complexity — AD requires at least 8 characters.");
  });

  it('without readable rules it still refuses, in general words', () => {
    const [reason] = adRejectionReasons('unspecified', null, 'x');
    expect(reason?.code).toBe('directory_policy');
    expect(reason?.params?.detail).toMatch(/^AD's rules: .*ask your help desk\.$/);
  });

  it('too short: the minimum AD named wins over the one read, and the length is counted in code points', () => {
    expect(adRejectionReasons('too_short', DOMAIN, 'Ab1😀', 7)).toEqual([{ code: 'too_short', params: { min: 7, actual: 4, detail: 'AD requires at least 7 characters.' } }]);
    expect(adRejectionReasons('too_short', DOMAIN, 'Ab1')).toEqual([{ code: 'too_short', params: { min: 8, actual: 3, detail: 'AD requires at least 8 characters.' } }]);
    expect(adRejectionReasons('too_short', null, 'Ab1')).toEqual([{ code: 'directory_policy', params: { rule: 'too_short', detail: 'AD requires a longer password.' } }]);
  });

  it('history, minimum age and complexity are named with their numbers', () => {
    expect(adRejectionReasons('history', DOMAIN, 'x')).toEqual([{ code: 'in_history', params: { detail: 'AD remembers your last 24 passwords; choose one you have not used before.' } }]);
    expect(adRejectionReasons('history', { ...DOMAIN, historyLength: 1 }, 'x')[0]?.params?.detail).toContain('your last 1 password;');
    expect(adRejectionReasons('too_young', DOMAIN, 'x')).toEqual([
      { code: 'too_young', params: { detail: 'AD allows one change every 1 day; try again later or ask your help desk to reset it.' } },
    ]);
    expect(adRejectionReasons('complexity', DOMAIN, 'x')[0]).toMatchObject({ code: 'directory_policy', params: { rule: 'complexity' } });
  });

  it('never repeats the password', () => {
    const password = 'Sekr1t-Value-XYZ';
    for (const problem of ['too_short', 'complexity', 'history', 'too_young', 'unspecified'] as const) {
      expect(JSON.stringify(adRejectionReasons(problem, DOMAIN, password))).not.toContain(password);
    }
  });
});

describe('duration', () => {
  it.each([
    [86_400, '1 day'],
    [2 * 86_400, '2 days'],
    [36 * 3600, '36 hours'],
    [1800, '30 minutes'],
    [90, '2 minutes'],
    [45, '45 seconds'],
  ])('%i s → %s', (seconds, text) => {
    expect(duration(seconds)).toBe(text);
  });
});
