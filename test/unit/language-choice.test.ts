import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCatalogue } from '../../src/adapters/i18n/catalogue.js';
import { createI18n } from '../../src/adapters/i18n/load-i18n.js';
import { createSmsRenderer } from '../../src/adapters/mail/mail-renderer.js';
import type { ClaimedMessage } from '../../src/adapters/store/outbox-repository.js';
import { ConfigError } from '../../src/config/config-error.js';
import { languageMark, matchLanguage, messageLanguage } from '../../src/core/i18n/language-match.js';
import { chooseLanguage, nativeName } from '../../src/http/language-choice.js';

const available = ['en', 'ar', 'de', 'fr'];

describe('choosing a language', () => {
  it('takes the cookie, else Accept-Language, else the tenant default, else English', () => {
    expect(chooseLanguage({ cookie: 'fr', acceptLanguage: 'de', tenantDefault: 'ar', available })).toBe('fr');
    expect(chooseLanguage({ cookie: 'tlh', acceptLanguage: 'de-AT, en;q=0.5', tenantDefault: 'ar', available })).toBe('de');
    expect(chooseLanguage({ acceptLanguage: 'ja, tlh;q=0.9', tenantDefault: 'ar', available })).toBe('ar');
    expect(chooseLanguage({ acceptLanguage: '*', tenantDefault: 'ar', available })).toBe('ar');
    expect(chooseLanguage({ tenantDefault: 'xx', available })).toBe('en');
    expect(chooseLanguage({ available: ['de'] })).toBe('de');
  });

  it('weighs Accept-Language ranges by q and matches primary subtags', () => {
    expect(matchLanguage('en;q=0.2, fr;q=0.9, de;q=0.5', available)).toBe('fr');
    expect(matchLanguage('ar-EG', available)).toBe('ar');
    expect(matchLanguage('fr;q=0', available)).toBeNull();
    expect(matchLanguage(undefined, available)).toBeNull();
  });

  it('picks a message language from the flow, the person (RFC 2798 preferredLanguage) or the tenant', () => {
    expect(messageLanguage(['de', 'fr', 'ar'], available)).toBe('de');
    expect(messageLanguage([null, 'fr-CA, en;q=0.5', 'ar'], available)).toBe('fr');
    expect(messageLanguage([undefined, 'ja', 'ar'], available)).toBe('ar');
    expect(messageLanguage([undefined, undefined, undefined], available)).toBe('en');
    expect(languageMark(null, 'de')).toEqual({ lang: 'de' });
    expect(languageMark(null, undefined)).toEqual({});
  });

  it('names each language in itself', () => {
    expect(nativeName('de')).toBe('Deutsch');
    expect(nativeName('ar')).toBe('العربية');
    expect(nativeName('fr')).toBe('Français');
    expect(nativeName('es')).toBe('Español');
  });
});

describe('texts of messages in their language', () => {
  it('writes an SMS code in the language its message carries, else the tenant default', () => {
    const i18n = createI18n({
      en: { mail: { 'sms.code.reset': '{{code}} is your {{tenant}} code.', 'sms.code.unnamed': 'verification' } },
      de: { mail: { 'sms.code.reset': '{{code}} ist Ihr {{tenant}}-Code.', 'sms.code.unnamed': 'Bestätigungs' } },
    });
    const render = createSmsRenderer({ i18n, defaultLanguageOf: (id) => (id === 'berlin' ? 'de' : undefined) });
    const message = (tenantId: string, data: ClaimedMessage['data']) => ({ tenantId, template: 'sms_code', data }) as ClaimedMessage;
    expect(render(message('demo', { code: '123456', tenantName: 'Acme', purpose: 'reset', lang: 'de' }))).toBe('123456 ist Ihr Acme-Code.');
    expect(render(message('demo', { code: '123456', tenantName: 'Acme', purpose: 'reset' }))).toBe('123456 is your Acme code.');
    expect(render(message('berlin', { code: '123456', tenantName: '', purpose: 'reset' }))).toBe('123456 ist Ihr Bestätigungs-Code.');
  });
});

describe('loading the catalogue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-overrides-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tenants = [{ id: 'acme', name: 'Acme', operators: [] }, { id: 'demo', name: 'Demo', operators: [] }];
  const write = (path: string, content: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  };

  it('overrides a text for one tenant only, and keeps the rest of the installed texts', () => {
    write('ok/acme/en/portal.json', JSON.stringify({ 'layout.service': 'Acme desk' }));
    write('ok/acme/en/admin.json', JSON.stringify({ layout: { service: 'Acme console' } }));
    const catalogue = buildCatalogue({ tenants, i18n: { overrides: join(dir, 'ok') } } as never);
    expect(catalogue.i18nFor('acme').t('layout.service', { ns: 'portal', lng: 'en' })).toBe('Acme desk');
    expect(catalogue.i18nFor('acme').t('layout.service', { ns: 'admin', lng: 'en' })).toBe('Acme console');
    expect(catalogue.i18nFor('acme').t('layout.skip', { ns: 'portal', lng: 'en' })).toBe('Skip to main content');
    expect(catalogue.i18nFor('demo').t('layout.service', { ns: 'portal', lng: 'en' })).toBe('Password self-service');
  });

  it('refuses an unknown key, naming the file and the key; and an unknown tenant, language or namespace', () => {
    write('badkey/acme/en/portal.json', JSON.stringify({ 'layout.servce': 'typo' }));
    expect(() => buildCatalogue({ tenants, i18n: { overrides: join(dir, 'badkey') } } as never)).toThrow(
      new ConfigError(`config: i18n.overrides: ${join(dir, 'badkey/acme/en/portal.json')}: unknown key "layout.servce"`),
    );
    write('badtenant/nobody/en/portal.json', '{}');
    expect(() => buildCatalogue({ tenants, i18n: { overrides: join(dir, 'badtenant') } } as never)).toThrow(/no tenant "nobody" is configured/);
    write('badlng/acme/tlh/portal.json', '{}');
    expect(() => buildCatalogue({ tenants, i18n: { overrides: join(dir, 'badlng') } } as never)).toThrow(/"tlh" is not a loaded language/);
    write('badns/acme/en/nothing.json', '{}');
    expect(() => buildCatalogue({ tenants, i18n: { overrides: join(dir, 'badns') } } as never)).toThrow(/"nothing" is not a namespace/);
    write('badjson/acme/en/portal.json', '{');
    expect(() => buildCatalogue({ tenants, i18n: { overrides: join(dir, 'badjson') } } as never)).toThrow(/portal\.json: not JSON/);
  });

  it('refuses a tenant default language that is not loaded', () => {
    expect(() => buildCatalogue({ tenants: [{ id: 'acme', name: 'Acme', operators: [], defaultLanguage: 'tlh' }], i18n: {} } as never)).toThrow(
      /tenants\.0\.defaultLanguage: "tlh" is not a loaded language/,
    );
    expect(buildCatalogue({ tenants: [{ id: 'acme', name: 'Acme', operators: [], defaultLanguage: 'en' }], i18n: {} } as never).i18n).toBeDefined();
  });
});
