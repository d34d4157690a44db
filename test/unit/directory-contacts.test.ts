import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { contactEmail, contactPhone, contactsOf, resolveContactAttributes } from '../../src/adapters/directory/directory-contacts.js';
import { adOptionsOf, ldapOptionsOf } from '../../src/adapters/directory/directory-options.js';
import { directoriesOf } from '../../src/config/directories-schema.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { normalizeEmail } from '../../src/core/methods/email_code/email-registration.js';
import { normalizePhone } from '../../src/core/methods/method-registration.js';

/** Loads a configuration whose one tenant has `directories`. */
function load(directories: unknown[]) {
  const cwd = mkdtempSync(join(tmpdir(), 'unlatch-contacts-'));
  writeFileSync(join(cwd, 'unlatch.yaml'), stringify({ tenants: [{ id: 'acme', name: 'Acme', directories }] }));
  return loadConfig({ cwd, env: {} });
}
const connection = { bindDn: 'cn=svc', bindPassword: 'secret', baseDn: 'dc=example,dc=org' };
const ldap = (extra: Record<string, unknown>) => ({ type: 'ldap', url: 'ldaps://ldap.example.org', ...connection, ...extra });
const ad = (extra: Record<string, unknown>) => ({ type: 'active_directory', url: 'ldaps://dc1.example.org', ...connection, ...extra });

describe('directory contact values', () => {
  const SAMPLES = [
    'Kim@Example.ORG',
    ' kim@example.org ',
    'ｋｉｍ＠ｅｘａｍｐｌｅ．ｏｒｇ',
    'kim@localhost',
    'kim @example.org',
    'kim@@example.org',
    '',
    `${'a'.repeat(65)}@example.org`,
    `kim@${'d'.repeat(250)}.org`,
  ];
  const PHONES = ['+49 170 1234567', '+1 (555) 010-0099', '0171 5550000', '+0123456789', '+4917012', '+1234567890123456', '＋４９１７０１２３４５６７', `+49${'1'.repeat(70)}`];

  it('addresses and numbers are kept exactly as registration keeps what a person types', () => {
    for (const sample of SAMPLES) expect(contactEmail(sample)).toBe(normalizeEmail(sample));
    for (const sample of PHONES) expect(contactPhone(sample)).toBe(normalizePhone(sample));
  });

  it('every value of every mapped attribute, each once, without invalid ones or the primary address', () => {
    const entry: Record<string, string[]> = {
      otherMailbox: ['Private@Mail.Example.COM', 'work@example.org', 'broken@', 'private@mail.example.com'],
      personalMail: ['second@example.net'],
      mobile: ['+49 170 1234567'],
      homePhone: ['+491701234567', 'call me'],
    };
    const contacts = contactsOf((name) => entry[name] ?? [], { emails: ['otherMailbox', 'personalMail', 'absent'], phones: ['mobile', 'homePhone'] }, 'Work@Example.org');
    expect(contacts).toEqual({ emails: ['Private@mail.example.com', 'second@example.net'], phones: ['+491701234567'] });
  });

  it('an unset mapping reads nothing; a partial one fills in the other list', () => {
    expect(resolveContactAttributes(undefined)).toBeUndefined();
    expect(resolveContactAttributes({ phones: ['mobile', 'mobile'] })).toEqual({ emails: [], phones: ['mobile'] });
  });
});

describe('contactAttributes and maxPasswordAgeDays in the configuration', () => {
  it('reach the LDAP and AD adapters as configured', () => {
    const config = load([ldap({ contactAttributes: { emails: ['otherMailbox'] } }), ad({ contactAttributes: { emails: ['otherMailbox'], phones: ['mobile', 'homePhone'] } })]);
    const [first, second] = directoriesOf(config.tenants[0]!);
    if (first?.type !== 'ldap' || second?.type !== 'active_directory') throw new Error('expected an ldap and an active_directory entry');
    expect(ldapOptionsOf(first, 'acme').contactAttributes).toEqual({ emails: ['otherMailbox'] });
    expect(adOptionsOf(second, 'acme').contactAttributes).toEqual({ emails: ['otherMailbox'], phones: ['mobile', 'homePhone'] });
  });

  it('the primary email attribute, or a name that is no attribute, is refused with the key named', () => {
    expect(() => load([ldap({ contactAttributes: { emails: ['Mail'] } })])).toThrow(/tenants\.0\.directories\.0\.contactAttributes\.emails\.0.*primary email/);
    expect(() => load([ad({ attributes: { email: 'userPrincipalName' }, contactAttributes: { emails: ['userPrincipalName'] } })])).toThrow(ConfigError);
    expect(() => load([ad({ contactAttributes: { phones: ['mobile)(uid=*'] } })])).toThrow(/contactAttributes\.phones\.0/);
    expect(() => load([ad({ contactAttributes: { fax: ['x'] } })])).toThrow(ConfigError);
  });

  it('maxPasswordAgeDays belongs to the built-in directory: whole days from 1 to 3650', () => {
    const config = load([{ type: 'builtin', maxPasswordAgeDays: 90 }]);
    expect(directoriesOf(config.tenants[0]!)[0]).toMatchObject({ type: 'builtin', maxPasswordAgeDays: 90 });
    expect(() => load([{ type: 'builtin', maxPasswordAgeDays: 0 }])).toThrow(/maxPasswordAgeDays/);
    expect(() => load([{ type: 'builtin', maxPasswordAgeDays: 1.5 }])).toThrow(/maxPasswordAgeDays/);
    expect(() => load([{ type: 'builtin', contactAttributes: { emails: ['otherMailbox'] } }])).toThrow(ConfigError);
  });
});
