import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/adapters/i18n/load-i18n.js';
import { catalogueProblems, readCatalogues, sourceText, unusedKeys } from '../helpers/i18n-catalogue.js';

const root = new URL('../..', import.meta.url).pathname;
/** `UNLATCH_LOCALES=<folder>` checks another locales folder (a translator's work in progress) the same way. */
const localesDir = process.env.UNLATCH_LOCALES ?? join(root, 'locales');

/**
 * Keys the code builds at run time, so no source line names them whole: each namespace's patterns, with where the
 * key is built. A key outside these patterns must appear literally in `src/**` (`.ts`, `.eta`) or it is unused.
 * Keep the list short and the patterns narrow: a pattern too wide hides keys nobody uses.
 */
const DYNAMIC_KEYS: Record<string, readonly RegExp[]> = {
  portal: [
    /^reset_code\.(code|totp|backup_code|access_pass|sms_code)\.(title|intro|label|hint|required|format|wrong_\w+)$/, // proof-code.ts, reset-code.ts: `reset_code.${kind}.…`
    /^reset_code\.other_ways\.\w+$/, // reset-code.eta: 'reset_code.other_ways.' + other
    /^reset_second\.(choice|generic|code\.hint)\.\w+$/, // reset-second.ts: `reset_second.choice.${method}` …
    /^proof_label\.(kind|named|left)\.\w+$/, // proof-labels.ts: `proof_label.kind.${method}` …
    /^password\.(reasons|context)\.\w+$/, // password-reasons.ts: `password.reasons.${code}`, `password.context.${word}`
    /^password\.estimator\.(warnings|suggestions)\.\w+$/, // password-reasons.ts: `password.estimator.${group}.${code}` (zxcvbn's feedback codes)
    /^rating\.option_[1-5]$/, // partials/rating.eta: 'rating.option_' + n
    /^security_verify\.(method\.\w+|code\.wrong_\w+)$/, // security-verify.eta / .ts
    /^security_info\.(kind|done)\.\w+$/, // security-info.ts, enroll.ts, security-remove.ts: `security_info.kind.${kind}`
    /^security_questions\.problem\.\w+$/, // security-questions.ts: `security_questions.problem.${key}`
    /^security_test\.(works|wrong|none)\.\w+$/, // security-test.ts
  ],
  admin: [
    /^nav\.[\w-]+$/, // admin-page.ts: `nav.${area.id}`
    /^kinds\.\w+$/, // views: 'kinds.' + kind
    /^error\.title_\d{3}$/, // admin-errors.ts
    /^oidc\.to_(provider|console)_(title|intro|link)$/, // oidc-routes.ts: `oidc.${which}_title`
    /^fraud\.(source|reason|flow|label)\.\w+$/, // fraud-home.eta
    /^attack_mode\.override\.\w+$/, // attack-mode.eta: 'attack_mode.override.' + o
    /^person\.source\.\w+$/, // people-person.eta
    /^risk\.(actions|reasons)\.\w+$/, // people-person.eta: 'risk.actions.' + action, 'risk.reasons.' + reason
    /^system\.(status|channel)\.\w+$/, // system-page.eta
    /^overview\.(periods|funnel)\.\w+$/, // overview.eta, overview-charts.ts
    /^audit_verification\.status\.\w+$/, // audit-verification-panel.eta
    /^reports\.(name|about|col|figure|chart|axis|series)\.[\w-]+$/, // report pages and charts: per report and column
    /^helpdesk\.(request_state|action|err)\.\w+$/, // helpdesk-render.ts, helpdesk-pages.ts, helpdesk-person.eta
  ],
  mail: [
    /^(reset_code|unlock_code|address_code|address_test|password_changed|account_unlocked|methods_changed)\.(subject|heading|intro|ignore|if_you|if_not|if_not_support)$/, // templates.ts: `${kind}.subject` …
    /^(helpdesk_action|methods_changed|contacts_imported)\.body_\w+$/, // helpdesk-mail.ts, templates.ts, contacts-imported-mail.ts
    /^review_decided\.(subject|heading|body)_(approved|rejected)$/, // review-mail.ts: `review_decided.subject_${kind}` …
    /^fraud_alert\.event_\w+$/, // report-link-mail.ts
    /^report_ready\.(name|figure)\.[\w-]+$/, // report-mail.ts
    /^sms\.code\.\w+$/, // sms-text.ts: `sms.code.${purpose}`
    /^sms\.helpdesk\.\w+$/, // helpdesk-sms-text.ts: `sms.helpdesk.${action}`
  ],
};

describe('the text catalogues', () => {
  it('every language has every English key, no other, the same placeholders and its own plural forms', () => {
    expect(catalogueProblems(localesDir)).toEqual([]);
  });

  it('every mail catalogue names its own language and direction (the lang and dir of its mails)', () => {
    const wrong = Object.entries(readCatalogues(localesDir)).flatMap(([lng, catalogue]) => {
      const dir = createI18n({}).dir(lng);
      const mail = catalogue.mail;
      return mail?.get('common.lang') === lng && mail.get('common.dir') === dir ? [] : [`${lng}: common.lang "${mail?.get('common.lang')}", common.dir "${mail?.get('common.dir')}" (want ${lng}, ${dir})`];
    });
    expect(wrong).toEqual([]);
  });

  it('every English key is used by the code or templates (or built from a documented pattern)', () => {
    const english = readCatalogues(localesDir).en!;
    expect(unusedKeys(english, sourceText(join(root, 'src')), DYNAMIC_KEYS)).toEqual([]);
  });

  it('every documented pattern of built keys still matches a key (a stale pattern would hide nothing, or anything)', () => {
    const english = readCatalogues(localesDir).en!;
    const stale = Object.entries(DYNAMIC_KEYS).flatMap(([ns, patterns]) => patterns.filter((p) => ![...(english[ns]?.keys() ?? [])].some((k) => p.test(k))).map((p) => `${ns}: ${p}`));
    expect(stale).toEqual([]);
  });
});

describe('the completeness check itself', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-i18n-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (lng: string, ns: string, texts: Record<string, unknown>) => {
    mkdirSync(join(dir, lng), { recursive: true });
    writeFileSync(join(dir, lng, `${ns}.json`), JSON.stringify(texts));
  };
  write('en', 'portal', { 'home.title': 'Hello {{name}}', 'items_one': '{{count}} item', 'items_other': '{{count}} items', nested: { key: 'Nested' } });
  write('en', 'mail', { subject: 'Subject' });
  // A complete fixture language (the test language `xx` has English plural rules: one, other).
  write('de', 'portal', { 'home.title': 'Hallo {{name}}', 'items_one': 'ein Eintrag', 'items_other': '{{count}} Einträge', nested: { key: 'Verschachtelt' } });
  write('de', 'mail', { subject: 'Betreff' });
  // Broken on purpose: a missing key, an extra key, a wrong placeholder, plural forms of the wrong language, a missing file.
  write('ar', 'portal', { 'home.title': 'مرحبا {{user}}', 'items_one': 'عنصر', 'items_other': '{{count}} عناصر', extra: 'زائد' });

  it('finds each kind of problem and passes a complete language', () => {
    const problems = catalogueProblems(dir);
    expect(problems.filter((p) => p.startsWith('de/'))).toEqual([]);
    expect(problems).toEqual(expect.arrayContaining([
      'ar/portal.json: missing key "nested.key"',
      'ar/portal.json: key "extra" is not in English',
      'ar/portal.json: "home.title" has placeholders {user}, English {name}',
      'ar/portal.json: missing key "items_zero"',
      'ar/portal.json: missing key "items_two"',
      'ar/portal.json: missing key "items_few"',
      'ar/portal.json: missing key "items_many"',
      'ar/mail.json: missing file',
    ]));
  });

  it('finds a key nothing uses, and lets a documented pattern through', () => {
    const english = readCatalogues(dir).en!;
    expect(unusedKeys(english, "t('home.title'); t('items', { count }); t('nested.key')", {})).toEqual(['mail: subject']);
    expect(unusedKeys(english, "t('home.title'); t('items', { count }); t('nested.key')", { mail: [/^subject$/] })).toEqual([]);
  });
});
