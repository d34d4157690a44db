import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';

const emptyDir = () => mkdtempSync(join(tmpdir(), 'unlatch-cfg-'));
const load = (env: Record<string, string> = {}, file?: string) => {
  const cwd = emptyDir();
  if (file !== undefined) writeFileSync(join(cwd, 'unlatch.yaml'), file);
  return loadConfig({ env, cwd });
};
const PRODUCTION_BASE = {
  UNLATCH_MODE: 'production',
  UNLATCH_PUBLIC_URL: 'https://reset.example.org',
  UNLATCH_SECRET_KEY: 'a'.repeat(64),
  UNLATCH_MAIL_TRANSPORT: 'smtp',
  UNLATCH_SMTP_HOST: 'mail.example.org',
};

describe('configuration', () => {
  it('runs on defaults: dev mode, demo tenant, SQLite under ./data, port 8080', () => {
    const config = load();
    expect(config.mode).toBe('dev');
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.tenants).toEqual([{ id: 'demo', name: 'Demo Company', operators: [{ group: 'unlatch-admins', role: 'admin' }] }]);
    expect(config.defaultTenant).toBe('demo');
    expect(config.database.url).toMatch(/^sqlite:.*data\/unlatch\.db$/);
    // Loopback is reached as localhost: a secure context for browsers, and a valid passkey RP ID.
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.reset.codeTtlSeconds).toBe(600);
    expect(config.rateLimits.start_identifier.points).toBeGreaterThan(0);
  });

  it('takes a relative dataDir from the working directory it was given', () => {
    const cwd = emptyDir();
    const config = loadConfig({ env: { UNLATCH_DATA_DIR: 'state' }, cwd });
    expect(config.dataDir).toBe(join(cwd, 'state'));
    expect(config.database.url).toBe(`sqlite:${join(cwd, 'state', 'unlatch.db')}`);
  });

  it('takes UNLATCH_* environment variables over the file', () => {
    const config = load({ UNLATCH_PORT: '9090', UNLATCH_HOST: '0.0.0.0', UNLATCH_DATABASE_URL: 'postgres://u@db/x' }, 'server:\n  port: 7000\n');
    expect(config.server.port).toBe(9090);
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.database.url).toBe('postgres://u@db/x');
  });

  it('names the key in one line when a value is invalid', () => {
    expect(() => load({ UNLATCH_PORT: 'eighty' })).toThrow(/^config: server\.port \(UNLATCH_PORT\): expected a whole number/);
    expect(() => load({}, 'server:\n  port: 70000\n')).toThrow(/^config: server\.port: /);
    expect(() => load({}, 'password:\n  minLength: 4\n')).toThrow(/^config: password\.minLength: NIST/);
    try {
      load({}, 'reset:\n  codeTtlSeconds: 3600\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toContain('reset.codeTtlSeconds');
    }
  });

  it('points a moved key to its new place', () => {
    expect(() => load({}, 'reset:\n  excludedGroups: [admins]\n')).toThrow(/reset\.excludedGroups: moved to policy\.default\.excludedGroups/);
  });

  it('refuses unknown keys, so a typo is not silently ignored', () => {
    expect(() => load({}, 'sever:\n  port: 1\n')).toThrow(/^config: \(root\): .*sever/);
    expect(() => load({}, 'mail:\n  smtp:\n    host: mail.example.org\n    policy: {}\n')).toThrow(/^config: mail\.smtp: .*policy/);
  });

  it('refuses production mode without public URL, SMTP or a secret key', () => {
    const tenants = 'tenants:\n  - id: acme\n    name: Acme\n';
    expect(load(PRODUCTION_BASE, tenants).mode).toBe('production');
    expect(() => load(PRODUCTION_BASE)).toThrow(/tenants: at least one tenant/);
    const without = (key: keyof typeof PRODUCTION_BASE) => {
      const env: Record<string, string> = { ...PRODUCTION_BASE };
      delete env[key];
      return () => load(env, tenants);
    };
    expect(without('UNLATCH_PUBLIC_URL')).toThrow(/publicUrl: required in production/);
    expect(without('UNLATCH_SECRET_KEY')).toThrow(/secrets\.keys/);
    expect(without('UNLATCH_MAIL_TRANSPORT')).toThrow(/mail\.transport/);
  });

  it('refuses a config file that is not valid YAML, naming the file', () => {
    expect(() => load({}, 'server: [\n')).toThrow(/unlatch\.yaml: not valid YAML/);
  });
});
