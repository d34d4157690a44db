import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildDirectoryRouter } from '../../src/adapters/directory/build-directories.js';
import { ConfigTenants } from '../../src/adapters/tenants/config-tenants.js';
import { directoriesOf } from '../../src/config/directories-schema.js';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { configSchema } from '../../src/config/schema.js';
import { packageRoot } from '../../src/package-root.js';
import type { Argon2Hasher } from '../../src/adapters/directory/password-hasher.js';
import type { DirectoryDeps } from '../../src/adapters/directory/build-directories.js';
import { TestClock } from '../helpers/test-clock.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const PRODUCTION = {
  UNLATCH_MODE: 'production',
  UNLATCH_PUBLIC_URL: 'https://reset.example.org',
  UNLATCH_SECRET_KEY: 'a'.repeat(64),
  UNLATCH_MAIL_TRANSPORT: 'smtp',
  UNLATCH_SMTP_HOST: 'mail.example.org',
};

const ldap = (extra: Record<string, unknown> = {}) => ({
  type: 'ldap',
  url: 'ldaps://ldap.example.org:636',
  bindDn: 'cn=unlatch,ou=services,dc=example,dc=org',
  bindPassword: 'service-secret',
  baseDn: 'ou=people,dc=example,dc=org',
  ...extra,
});
const ad = (extra: Record<string, unknown> = {}) => ({
  type: 'active_directory',
  url: 'ldaps://dc1.example.com',
  bindDn: 'svc-unlatch@example.com',
  bindPassword: 'service-secret',
  baseDn: 'OU=People,DC=example,DC=com',
  ...extra,
});

/** Loads a configuration whose one tenant has `directories`; returns the config and the working directory. */
function load(directories: unknown[] | undefined, options: { env?: Record<string, string>; files?: Record<string, string> } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'unlatch-dircfg-'));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(cwd, name), text);
  writeFileSync(join(cwd, 'unlatch.yaml'), stringify({ tenants: [{ id: 'acme', name: 'Acme', ...(directories ? { directories } : {}) }] }));
  return { config: loadConfig({ cwd, env: options.env ?? {} }), cwd };
}

/** The one-line ConfigError message `load` throws. */
function errorOf(directories: unknown[], options: Parameters<typeof load>[1] = {}): string {
  try {
    load(directories, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('tenants[].directories', () => {
  it('defaults to the built-in directory when a tenant lists none (the demo keeps working)', () => {
    const { config } = load(undefined);
    expect(config.tenants[0]!.directories).toBeUndefined();
    expect(directoriesOf(config.tenants[0]!)).toEqual([{ type: 'builtin', name: 'builtin', alsoWriteTo: [] }]);
    // Dev mode's own demo tenant too.
    const dev = loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'unlatch-dircfg-')), env: {} });
    expect(directoriesOf(dev.tenants[0]!).map((d) => d.type)).toEqual(['builtin']);
  });

  it('names directories by type and position unless named, and keeps the adapter options as given', () => {
    const { config } = load([{ type: 'builtin' }, ldap({ groups: { type: 'search', baseDn: 'ou=groups,dc=example,dc=org' } }), ldap({ url: 'ldap://ldap2.example.org', startTls: true }), ad(), ad({ name: 'corp' })]);
    const list = directoriesOf(config.tenants[0]!);
    expect(list.map((d) => d.name)).toEqual(['builtin', 'ldap-1', 'ldap-2', 'ad-1', 'corp']);
    expect(list[1]).toMatchObject({ type: 'ldap', groupCacheSeconds: 60, alsoWriteTo: [], groups: { type: 'search', baseDn: 'ou=groups,dc=example,dc=org' } });
    expect(list[2]).toMatchObject({ startTls: true });
  });

  it('takes alsoWriteTo naming other directories of the tenant', () => {
    const { config } = load([ldap({ name: 'main', alsoWriteTo: ['legacy', 'builtin'] }), ldap({ name: 'legacy' }), { type: 'builtin' }]);
    expect(directoriesOf(config.tenants[0]!)[0]!.alsoWriteTo).toEqual(['legacy', 'builtin']);
  });

  it('refuses unknown names in alsoWriteTo, a directory writing to itself, and duplicate names', () => {
    expect(errorOf([ldap({ alsoWriteTo: ['ldap-9'] })])).toBe('config: tenants.0.directories.0.alsoWriteTo.0: "ldap-9" is not a directory of this tenant (its directories: ldap-1)');
    expect(errorOf([ldap({ alsoWriteTo: ['ldap-1'] })])).toBe('config: tenants.0.directories.0.alsoWriteTo.0: a directory cannot also write to itself');
    expect(errorOf([ldap({ name: 'main' }), ad({ name: 'main' })])).toBe('config: tenants.0.directories.1.name: "main" is used by two directories of this tenant; give each its own name');
    // A default name taken by hand elsewhere collides too.
    expect(errorOf([ldap({ name: 'ldap-2' }), ldap()])).toMatch(/^config: tenants\.0\.directories\.1\.name: "ldap-2" is used by two/);
    expect(errorOf([{ type: 'builtin' }, { type: 'builtin', name: 'other' }])).toBe('config: tenants.0.directories.1.type: the built-in directory can be listed once per tenant');
    expect(errorOf([ldap({ name: 'Main:1' })])).toMatch(/^config: tenants\.0\.directories\.0\.name: lowercase letters/);
    expect(errorOf([])).toMatch(/^config: tenants\.0\.directories: list at least one directory/);
  });

  it('refuses insecure: true in production mode, and takes it in dev mode', () => {
    const plain = [ldap({ url: 'ldap://127.0.0.1:3389', insecure: true })];
    expect(errorOf(plain, { env: PRODUCTION })).toBe(
      'config: tenants.0.directories.0.insecure: refused in production mode: plain LDAP sends passwords in the clear; use ldaps:// or StartTLS',
    );
    expect(errorOf([ad({ insecure: true, rejectUnauthorized: false })], { env: PRODUCTION })).toMatch(/directories\.0\.insecure: refused in production mode/);
    expect(directoriesOf(load(plain).config.tenants[0]!)[0]).toMatchObject({ insecure: true });
    // ldaps:// and StartTLS are fine in production.
    expect(() => load([ldap(), ldap({ url: 'ldap://ldap.example.org', startTls: true })], { env: PRODUCTION })).not.toThrow();
  });

  it('refuses plain ldap:// unless startTls or insecure, and startTls on ldaps://', () => {
    expect(errorOf([ldap({ url: 'ldap://ldap.example.org' })])).toBe(
      'config: tenants.0.directories.0.url: ldap:// without startTls sends passwords in the clear; use ldaps:// or startTls: true (insecure: true only for a test server)',
    );
    expect(errorOf([ldap({ startTls: true })])).toBe('config: tenants.0.directories.0.startTls: startTls is for ldap:// URLs; ldaps:// is TLS already');
    expect(errorOf([ldap({ url: 'https://ldap.example.org' })])).toMatch(/^config: tenants\.0\.directories\.0\.url: ldaps:\/\/host/);
    expect(errorOf([ad({ rejectUnauthorized: false })])).toMatch(/^config: tenants\.0\.directories\.0\.rejectUnauthorized: false accepts any certificate/);
  });

  it('names missing required fields and unknown keys', () => {
    const { bindDn: _b, ...noBindDn } = ldap();
    expect(errorOf([noBindDn])).toMatch(/^config: tenants\.0\.directories\.0\.bindDn: /);
    const { baseDn: _d, ...noBaseDn } = ad();
    expect(errorOf([noBaseDn])).toMatch(/^config: tenants\.0\.directories\.0\.baseDn: /);
    const { bindPassword: _p, ...noSecret } = ldap();
    expect(errorOf([noSecret])).toBe('config: tenants.0.directories.0.bindPassword: required: set bindPassword, bindPasswordFile or bindPasswordEnv');
    expect(errorOf([ldap({ bindPasswordEnv: 'LDAP_PW' })])).toBe('config: tenants.0.directories.0.bindPasswordEnv: set only one of bindPassword, bindPasswordFile, bindPasswordEnv');
    expect(errorOf([ldap({ bindpassword: 'typo' })])).toMatch(/^config: tenants\.0\.directories\.0: Unrecognized key: "bindpassword"/);
    expect(errorOf([{ type: 'openldap' }])).toMatch(/^config: tenants\.0\.directories\.0\.type: /);
    expect(errorOf([ldap({ userFilter: '(uid=*)' })])).toBe('config: tenants.0.directories.0.userFilter: must contain {value}');
    expect(errorOf([ldap({ tlsCa: 'not a pem' })])).toMatch(/^config: tenants\.0\.directories\.0\.tlsCa: a PEM certificate/);
    expect(errorOf([ldap({ tlsCa: PEM, tlsCaFile: 'ca.pem' })])).toBe('config: tenants.0.directories.0.tlsCaFile: set only one of tlsCa, tlsCaFile');
  });

  it('reads the service password from a file (relative to the working directory) or an environment variable', () => {
    const fromFile = load([ldap({ bindPassword: undefined, bindPasswordFile: 'ldap.secret' })], { files: { 'ldap.secret': 'from-a-file\n' } });
    const entry = directoriesOf(fromFile.config.tenants[0]!)[0]!;
    expect(entry).toMatchObject({ bindPassword: 'from-a-file' });
    expect(entry).not.toHaveProperty('bindPasswordFile');

    const fromEnv = load([ad({ bindPassword: undefined, bindPasswordEnv: 'AD_SERVICE_PASSWORD' })], { env: { AD_SERVICE_PASSWORD: 'from-the-env' } });
    expect(directoriesOf(fromEnv.config.tenants[0]!)[0]).toMatchObject({ bindPassword: 'from-the-env' });
    expect(directoriesOf(fromEnv.config.tenants[0]!)[0]).not.toHaveProperty('bindPasswordEnv');
  });

  it('says which secret file or variable is missing, never a secret', () => {
    expect(errorOf([ldap({ bindPassword: undefined, bindPasswordFile: 'missing.secret' })])).toMatch(
      /^config: tenants\.0\.directories\.0\.bindPasswordFile: cannot read .*missing\.secret \(ENOENT\)$/,
    );
    expect(errorOf([ldap({ bindPassword: undefined, bindPasswordFile: 'empty.secret' })], { files: { 'empty.secret': '\n' } })).toMatch(/bindPasswordFile: .*empty\.secret is empty$/);
    expect(errorOf([ldap({ bindPassword: undefined, bindPasswordEnv: 'NOT_SET_ANYWHERE' })])).toBe(
      'config: tenants.0.directories.0.bindPasswordEnv: the environment variable NOT_SET_ANYWHERE is not set',
    );
  });

  it('reads tlsCaFile at load time, and refuses a file without a PEM certificate', () => {
    const { config } = load([ldap({ tlsCaFile: 'ca.pem' })], { files: { 'ca.pem': PEM } });
    expect(directoriesOf(config.tenants[0]!)[0]).toMatchObject({ tlsCa: PEM });
    expect(errorOf([ldap({ tlsCaFile: 'ca.pem' })], { files: { 'ca.pem': 'hello' } })).toMatch(/^config: tenants\.0\.directories\.0\.tlsCaFile: ca\.pem holds no PEM certificate/);
  });

  it('keeps directory settings (service passwords) out of the tenant list that pages show', () => {
    const { config } = load([ldap()]);
    const tenants = new ConfigTenants(config.tenants, 'acme');
    expect(tenants.list()).toEqual([{ id: 'acme', name: 'Acme' }]);
    expect(JSON.stringify(tenants.get('acme'))).not.toContain('service-secret');
  });

  it('the commented tenant example in unlatch.example.yaml is a valid directories list', () => {
    const text = readFileSync(join(packageRoot(), 'unlatch.example.yaml'), 'utf8');
    const block = text.slice(text.indexOf('# tenants:\n'), text.indexOf('# defaultTenant:'));
    const uncommented = block.split('\n').map((line) => line.replace(/^# ?/, '')).join('\n');
    const parsed = configSchema.safeParse(parse(uncommented));
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.tenants[0]?.directories?.map((d) => `${d.type}:${d.name}`)).toEqual(['ldap:ldap-1', 'active_directory:ad-1', 'builtin:builtin']);
  });

  it('turns what an adapter refuses into a configuration error at startup, without connecting', async () => {
    const deps: DirectoryDeps = { db: {} as DirectoryDeps['db'], hasher: {} as Argon2Hasher, clock: new TestClock() };
    // Unreachable servers are fine: nothing connects while building.
    await expect(buildDirectoryRouter(load([ldap({ url: 'ldaps://127.0.0.1:1' }), ad()]).config, deps)).resolves.toBeDefined();
    const broken = load([{ type: 'builtin' }, ad({ userFilter: '(|(sAMAccountName={value})' })]).config;
    await expect(buildDirectoryRouter(broken, deps)).rejects.toThrow(ConfigError);
    await expect(buildDirectoryRouter(broken, deps)).rejects.toThrow(/^config: tenants\.0\.directories\.1: active_directory: userFilter is not a valid LDAP filter/);
    const brokenLdap = load([ldap({ userFilter: '(|(uid={value})(mail={value})' })]).config;
    await expect(buildDirectoryRouter(brokenLdap, deps)).rejects.toThrow(/^config: tenants\.0\.directories\.0: ldap directory: userFilter is not a valid LDAP filter/);
  });
});
