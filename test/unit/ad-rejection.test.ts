import { describe, expect, it } from 'vitest';
import type { AdPasswordRules } from '../../src/adapters/directory/ad-password-rules.js';
import { adRejectionReasons } from '../../src/adapters/directory/ad-rejection.js';
import { loadI18n } from '../../src/adapters/i18n/load-i18n.js';
import { reasonsOf } from '../../src/http/api/problems.js';
import { directoryReasonText } from '../../src/http/directory-reasons.js';
import { translatorFor } from '../../src/http/portal/language.js';
import { describeReasons } from '../../src/http/password-reasons.js';

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

const catalogue = loadI18n();
const t = translatorFor(catalogue, 'en', 'portal');
const words = (problem: Parameters<typeof adRejectionReasons>[0], rules: AdPasswordRules | null, password = 'x', min?: number) =>
  adRejectionReasons(problem, rules, password, min).map((reason) => directoryReasonText(t, reason));

describe('adRejectionReasons: what AD refused, as rules with numbers', () => {
  it("Windows' unspecified refusal carries every rule the domain has on, with the domain's numbers", () => {
    expect(adRejectionReasons('unspecified', DOMAIN, 'Whatever1!')).toEqual([
      { code: 'directory_policy', params: { directory: 'active_directory', rule: 'unspecified', minLength: 8, complexity: 1, historyLength: 24, minAgeSeconds: 86_400 } },
    ]);
    expect(adRejectionReasons('unspecified', null, 'x')).toEqual([{ code: 'directory_policy', params: { directory: 'active_directory', rule: 'unspecified' } }]);
  });

  it('too short: the minimum AD named wins over the one read, and the length is counted in code points', () => {
    expect(adRejectionReasons('too_short', DOMAIN, 'Ab1😀', 7)).toEqual([{ code: 'too_short', params: { directory: 'active_directory', min: 7, actual: 4 } }]);
    expect(adRejectionReasons('too_short', DOMAIN, 'Ab1')).toEqual([{ code: 'too_short', params: { directory: 'active_directory', min: 8, actual: 3 } }]);
    expect(adRejectionReasons('too_short', null, 'Ab1')).toEqual([{ code: 'directory_policy', params: { directory: 'active_directory', rule: 'too_short' } }]);
  });

  it('history, minimum age and complexity', () => {
    expect(adRejectionReasons('history', DOMAIN, 'x')).toEqual([{ code: 'in_history', params: { directory: 'active_directory', historyLength: 24 } }]);
    expect(adRejectionReasons('history', { ...DOMAIN, historyLength: 0 }, 'x')).toEqual([{ code: 'in_history', params: { directory: 'active_directory' } }]);
    expect(adRejectionReasons('too_young', DOMAIN, 'x')).toEqual([{ code: 'too_young', params: { directory: 'active_directory', minAgeSeconds: 86_400 } }]);
    expect(adRejectionReasons('complexity', DOMAIN, 'x')).toEqual([{ code: 'directory_policy', params: { directory: 'active_directory', rule: 'complexity' } }]);
  });

  it('never repeats the password', () => {
    const password = 'Sekr1t-Value-XYZ';
    for (const problem of ['too_short', 'complexity', 'history', 'too_young', 'unspecified'] as const) {
      expect(JSON.stringify(adRejectionReasons(problem, DOMAIN, password))).not.toContain(password);
    }
  });
});

describe("AD's rules in plain words (portal and API)", () => {
  it('complexity names the three kinds of characters, however long the password', () => {
    expect(words('complexity', DOMAIN)).toEqual([
      "Your organisation's directory requires characters of three kinds — upper case, lower case, digits, symbols — however long the password is, and no part of your account name or full name.",
    ]);
  });

  it("an unspecified refusal lists the domain's rules, leaving out those it does not have", () => {
    expect(words('unspecified', DOMAIN)[0]).toBe(
      "Your organisation's directory refused this password without saying which rule it broke: it may be one you used recently, your last change may be too recent, or it misses one of these: " +
        'at least 8 characters; characters of three kinds: upper case, lower case, digits, symbols — and not your account name; none of your last 24 passwords; at least 24 hours between two changes.',
    );
    expect(words('unspecified', { ...DOMAIN, complexity: false, historyLength: 0, minAgeSeconds: 0 })[0]).toMatch(/or it misses one of these: at least 8 characters\.$/);
    expect(words('unspecified', null)[0]).toMatch(/^Your organisation's directory refused this password without saying which rule it broke: .*ask your help desk\.$/);
  });

  it('length, history and minimum age with their numbers', () => {
    expect(words('too_short', DOMAIN, 'Ab1')).toEqual(["Your organisation's directory requires at least 8 characters (this one has 3)."]);
    expect(words('too_short', null, 'Ab1')).toEqual(["Your organisation's directory requires a longer password."]);
    expect(words('history', DOMAIN)).toEqual(["Your organisation's directory remembers your last 24 passwords; choose one you have not used before."]);
    expect(words('history', { ...DOMAIN, historyLength: 1 })).toEqual(["Your organisation's directory remembers your previous password; choose one you have not used before."]);
    expect(words('too_young', DOMAIN)).toEqual(["Your organisation's directory allows one change every 24 hours; try again later, or ask your help desk to reset it."]);
  });

  it('reasons of Unlatch\'s own rules keep their usual text', () => {
    expect(directoryReasonText(t, { code: 'too_short', params: { min: 12, actual: 3 } })).toBeUndefined();
    expect(directoryReasonText(t, { code: 'directory_policy' })).toBeUndefined();
  });

  it('the portal shows the rule instead of "try a longer one"; the API gives it as message and params.detail', () => {
    const reasons = adRejectionReasons('complexity', DOMAIN, 'correct horse battery staple chargers');
    const [portal] = describeReasons(catalogue, 'en', t, reasons);
    expect(portal).toContain('characters of three kinds');
    expect(portal).not.toContain('try a longer');
    expect(reasonsOf(reasons, { catalogue, lang: 'en', t })).toEqual([
      { code: 'directory_policy', message: portal, params: { directory: 'active_directory', rule: 'complexity', detail: portal } },
    ]);
    // Unlatch's own reasons stay as they were: a code and a message.
    expect(reasonsOf([{ code: 'too_common' }], { catalogue, lang: 'en', t })).toEqual([{ code: 'too_common', message: expect.any(String) }]);
  });
});
