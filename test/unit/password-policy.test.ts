import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_PASSWORD_RULES,
  PasswordPolicy,
  codePointLength,
  describeRejection,
  type PasswordCheckResult,
  type PasswordRejectionCode,
} from '../../src/core/password/password-policy.js';
import type { Blocklist, StrengthEstimate, StrengthEstimator } from '../../src/core/ports/password-strength.js';
import { defaultBlocklistPath, loadBlocklistFile } from '../../src/adapters/password/file-blocklist.js';
import { ZxcvbnEstimator } from '../../src/adapters/password/zxcvbn-estimator.js';

const tinyBlocklist = (...entries: string[]): Blocklist => ({ has: (p) => entries.includes(p), size: entries.length });

/** Records what it was asked, answers with a fixed estimate. */
class FakeEstimator implements StrengthEstimator {
  calls: { password: string; userInputs: string[] }[] = [];
  constructor(private readonly answer: StrengthEstimate = { score: 4, suggestions: [] }) {}
  estimate(password: string, userInputs: string[]): StrengthEstimate {
    this.calls.push({ password, userInputs });
    return this.answer;
  }
}

const codes = (r: PasswordCheckResult): PasswordRejectionCode[] => (r.ok ? [] : r.reasons.map((x) => x.code));
const reason = (r: PasswordCheckResult, code: PasswordRejectionCode) => (r.ok ? undefined : r.reasons.find((x) => x.code === code));

function fakePolicy(opts: { blocklist?: Blocklist; estimator?: FakeEstimator; rules?: Partial<typeof DEFAULT_PASSWORD_RULES> } = {}) {
  const strength = opts.estimator ?? new FakeEstimator();
  const policy = new PasswordPolicy({
    rules: { ...DEFAULT_PASSWORD_RULES, ...opts.rules },
    blocklist: opts.blocklist ?? tinyBlocklist('password', 'letmein1'),
    strength,
  });
  return { policy, strength };
}

describe('PasswordPolicy (pure, fakes)', () => {
  it('accepts a good password and returns the score', () => {
    const { policy } = fakePolicy();
    expect(policy.check('violet staple horse', {})).toEqual({ ok: true, score: 4 });
  });

  it('counts length in code points: emoji and CJK are one character each', () => {
    const { policy } = fakePolicy();
    expect(codePointLength('😀😀😀😀')).toBe(4); // 8 UTF-16 units
    expect(codes(policy.check('😀😀😀😀😀😀😀', {}))).toEqual(['too_short']);
    expect(reason(policy.check('😀😀😀😀😀😀😀', {}), 'too_short')?.params).toEqual({ min: 8, actual: 7 });
    expect(policy.check('😀😀😀😀😀😀😀😀', {}).ok).toBe(true);
    expect(policy.check('密码安全非常重要', {}).ok).toBe(true); // 8 CJK code points
    expect(codes(policy.check('密码安全', {}))).toEqual(['too_short']);
  });

  it('never truncates: one code point over maxLength is rejected, the maximum is accepted', () => {
    const { policy } = fakePolicy();
    expect(policy.check('a'.repeat(256), {}).ok).toBe(true);
    expect(reason(policy.check('a'.repeat(257), {}), 'too_long')?.params).toEqual({ max: 256, actual: 257 });
    // 200 emoji are 400 UTF-16 units but only 200 code points.
    expect(policy.check('🔑'.repeat(200), {}).ok).toBe(true);
  });

  it('gives the estimator the whole password, not a prefix', () => {
    const { policy, strength } = fakePolicy();
    const long = 'x'.repeat(190) + 'tail-end-9';
    policy.check(long, {});
    expect(strength.calls[0]?.password).toBe(long);
  });

  it('allows spaces and any printable Unicode, with no composition rules', () => {
    const { policy } = fakePolicy();
    for (const p of ['all lowercase words', 'ÀÉÎÕÜ çñ ß', 'пароль для входа', '👨‍👩‍👧 family 🏠', '        ']) {
      expect(policy.check(p, {}).ok, p).toBe(true);
    }
  });

  it('rejects control characters as not_printable', () => {
    const { policy } = fakePolicy();
    for (const p of ['tab\tinside ok', 'line\nbreak here', 'nul\u0000character', 'del\u007fcharacter', 'c1\u0085control']) {
      expect(codes(policy.check(p, {})), JSON.stringify(p)).toEqual(['not_printable']);
    }
    expect(codes(policy.check('lone \ud800 surrogate', {}))).toEqual(['not_printable']);
  });

  it('matches the blocklist case-insensitively after NFKC', () => {
    const { policy } = fakePolicy();
    expect(codes(policy.check('PassWord', {}))).toContain('too_common');
    expect(codes(policy.check('ＰＡＳＳＷＯＲＤ', {}))).toContain('too_common'); // fullwidth → NFKC → ASCII
    expect(codes(policy.check('LetMeIn1', {}))).toContain('too_common');
    expect(codes(policy.check('password!', {}))).not.toContain('too_common'); // whole match only
  });

  it('rejects context words and names the field, never the value', () => {
    const { policy } = fakePolicy();
    const ctx = {
      username: 'jqd42',
      email: 'jd.work@example.org',
      displayName: 'John Q. Doe-Smith',
      tenantId: 'acme',
      tenantName: 'Globex Corporation',
    };
    const cases: [string, string][] = [
      ['my-JQD42-secret', 'username'],
      ['xx jd.work yy zz', 'email'],
      ['smithereens forever', 'name'],
      ['I love ACME rockets', 'tenant'],
      ['globex rules the world', 'tenant'],
    ];
    for (const [password, field] of cases) {
      const r = policy.check(password, ctx);
      expect(codes(r), password).toEqual(['contains_context']);
      expect(reason(r, 'contains_context')?.params).toEqual({ word: field });
      expect(JSON.stringify(r)).not.toContain(password);
    }
    // "Q." and "Doe" are words of the name, but "Q" is shorter than 3 and ignored.
    expect(policy.check('quiet qq evenings', ctx).ok).toBe(true);
    expect(codes(policy.check('doe a deer female', ctx))).toEqual(['contains_context']);
  });

  it('ignores context words shorter than 3 code points and absent fields', () => {
    const { policy } = fakePolicy();
    expect(policy.check('always jogging', { username: 'al', displayName: 'Jo Li', email: 'al@x.io' }).ok).toBe(true);
    expect(policy.check('anything goes here', {}).ok).toBe(true);
  });

  it('compares context with NFKC and case folding', () => {
    const { policy } = fakePolicy();
    expect(codes(policy.check('ＪＤＯＥ42 is me', { username: 'jdoe42' }))).toEqual(['contains_context']);
    // Decomposed "e + combining diaeresis" in the password, precomposed "Ë" in the name.
    expect(codes(policy.check('hello Zoe\u0308 friend', { displayName: 'ZOË Müller' }))).toEqual(['contains_context']);
  });

  it('passes the context words to the estimator as user inputs', () => {
    const { policy, strength } = fakePolicy();
    policy.check('unrelated words here', { username: 'jdoe42', email: 'j@example.org' });
    expect(strength.calls[0]?.userInputs).toEqual(['jdoe42', 'j@example.org']);
  });

  it('rejects as too_weak with the estimator feedback', () => {
    const estimator = new FakeEstimator({ score: 1, warning: 'Names are easy to guess.', suggestions: ['Add words.', 'Avoid names.'] });
    const { policy } = fakePolicy({ estimator });
    const r = policy.check('roberto1975', {});
    expect(r).toEqual({
      ok: false,
      reasons: [{ code: 'too_weak', params: { score: 1, minScore: 3, warning: 'Names are easy to guess.', suggestions: 'Add words. Avoid names.' } }],
    });
  });

  it('reports every reason at once', () => {
    const estimator = new FakeEstimator({ score: 0, suggestions: [] });
    const { policy } = fakePolicy({ estimator });
    const r = policy.check('JDoe42\tACME', { username: 'jdoe42', tenantId: 'acme' });
    expect(codes(r)).toEqual(['not_printable', 'contains_context', 'contains_context', 'too_weak']);
    expect(r.ok ? [] : r.reasons.filter((x) => x.code === 'contains_context').map((x) => x.params?.word)).toEqual(['username', 'tenant']);
  });

  it('does not estimate a password that is on the list: the list already says it all', () => {
    const estimator = new FakeEstimator({ score: 0, suggestions: [] });
    const { policy } = fakePolicy({ estimator, blocklist: tinyBlocklist('jdoe42\tacme') });
    const r = policy.check('JDoe42\tACME', { username: 'jdoe42', tenantId: 'acme' });
    expect(codes(r)).toEqual(['not_printable', 'too_common', 'contains_context', 'contains_context']);
    expect(estimator.calls).toHaveLength(0);
  });

  it('skips the costly estimate when the length is out of range, but still reports the other reasons', () => {
    const { policy, strength } = fakePolicy();
    const r = policy.check('Pass\u0001', { username: 'pass' });
    expect(codes(r)).toEqual(['too_short', 'not_printable', 'contains_context']);
    policy.check('b'.repeat(300), {});
    expect(strength.calls).toHaveLength(0);
  });

  it('refuses impossible rules', () => {
    const strength = new FakeEstimator();
    const blocklist = tinyBlocklist();
    expect(() => new PasswordPolicy({ rules: { minLength: 10, maxLength: 9, minScore: 3 }, blocklist, strength })).toThrow(RangeError);
    expect(() => new PasswordPolicy({ rules: { minLength: 0, maxLength: 64, minScore: 3 }, blocklist, strength })).toThrow(RangeError);
  });
});

describe('describeRejection', () => {
  it('says what to change in plain English', () => {
    expect(describeRejection({ code: 'too_short', params: { min: 8, actual: 5 } })).toBe('Use at least 8 characters (this one has 5).');
    expect(describeRejection({ code: 'too_long', params: { max: 256, actual: 300 } })).toBe('Use at most 256 characters (this one has 300).');
    expect(describeRejection({ code: 'too_common' })).toBe(
      'This password is one of the most commonly used passwords; choose something less predictable.',
    );
    expect(describeRejection({ code: 'contains_context', params: { word: 'username' } })).toBe("Don't include your username in your password.");
    expect(describeRejection({ code: 'contains_context', params: { word: 'email' } })).toBe("Don't include your email address in your password.");
    expect(describeRejection({ code: 'contains_context', params: { word: 'name' } })).toBe("Don't include your name in your password.");
    expect(describeRejection({ code: 'contains_context', params: { word: 'tenant' } })).toContain("organisation's name");
    expect(describeRejection({ code: 'not_printable' })).toMatch(/control characters/);
    expect(describeRejection({ code: 'too_weak', params: { score: 1, minScore: 3, warning: 'Dates are easy to guess.', suggestions: 'Add words. Avoid dates.' } })).toBe(
      'This password is too easy to guess. Dates are easy to guess. Add words. Avoid dates.',
    );
    expect(describeRejection({ code: 'too_weak', params: { score: 2, minScore: 3 } })).toBe('This password is too easy to guess.');
  });
});

describe('PasswordPolicy with the real zxcvbn estimator and shipped blocklist', () => {
  let policy: PasswordPolicy;
  let estimator: ZxcvbnEstimator;

  beforeAll(() => {
    estimator = new ZxcvbnEstimator();
    policy = new PasswordPolicy({ rules: DEFAULT_PASSWORD_RULES, blocklist: loadBlocklistFile(defaultBlocklistPath()), strength: estimator });
  });

  it.each(['password', '123456789', 'qwertyuiop', 'Password', 'QWERTYUIOP'])('rejects %s as too_common', (p) => {
    expect(codes(policy.check(p, {}))).toContain('too_common');
  });

  it.each(['p@$$w0rd!', 'M0nk3y!23', '5t4rw4r5', 'dr@g0nfly', 'Adm1n1strat0r'])('sees through l33t spelling: %s is too_weak', (p) => {
    expect(codes(policy.check(p, {}))).toContain('too_weak');
  });

  it('accepts a long passphrase', () => {
    const r = policy.check('correct horse battery staple violet', {});
    expect(r).toEqual({ ok: true, score: 4 });
  });

  it('rejects a pattern that is not on the list as too_weak, with English feedback', () => {
    const r = policy.check('aaaaaaaaaaaa', {});
    expect(codes(r)).toEqual(['too_weak']);
    expect(describeRejection(reason(r, 'too_weak')!)).toMatch(/^This password is too easy to guess\. Repeated/);
  });

  it('accepts 64- and 200-character passwords without truncating them', () => {
    const p64 = 'Lantern-orbit quietly 7 folds; marmalade tugboat sings Tuesday!!';
    const p200 = [p64, p64, p64, p64].join(' / ').slice(0, 200);
    expect(codePointLength(p64)).toBe(64);
    expect(codePointLength(p200)).toBe(200);
    expect(policy.check(p64, {}).ok).toBe(true);
    expect(policy.check(p200, {}).ok).toBe(true);
    // Only the last characters hold the username: a check that looked at a prefix would pass it.
    const withTail = p200.slice(0, 192) + 'zz-jdoe';
    expect(codes(policy.check(withTail, { username: 'jdoe' }))).toEqual(['contains_context']);
    expect(codes(policy.check(p200 + 'x'.repeat(57), {}))).toEqual(['too_long']);
  });

  it('bounds the estimator cost on adversarial long input', () => {
    const nasty = '4@8({[</369&#!1/|0$5+7%2/'.repeat(11).slice(0, 256);
    const started = performance.now();
    estimator.estimate(nasty, []);
    // Library defaults take ~2 s here; the bounded adapter takes tens of ms. Generous for slow CI.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('lets the estimator count context words as guessable', () => {
    const p = 'Qwmplrtz!2024';
    expect(estimator.estimate(p, ['qwmplrtz']).score).toBeLessThan(estimator.estimate(p, []).score);
  });
});
