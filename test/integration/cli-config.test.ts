import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { cli, cliWorkspace, type CliWorkspace } from '../helpers/cli-runner.js';

const KEY = 'b'.repeat(64);
const PRODUCTION = {
  mode: 'production' as const,
  publicUrl: 'https://reset.example.org',
  tenants: [{ id: 'acme', name: 'Acme' }, { id: 'beta', name: 'Beta' }],
  database: { url: 'postgres://unlatch:pg-s3cret@db.internal:5432/unlatch' },
  rateLimits: { store: 'redis' as const, redis: { url: 'redis://:r3dis-s3cret@cache:6379' } },
  mail: { transport: 'smtp' as const, smtp: { host: 'mail.example.org', port: 587, user: 'unlatch', password: 'smtp-s3cret' } },
  secrets: { keys: [{ id: 'k2026', secret: KEY }] },
};

describe('unlatch --version', () => {
  it('prints the version from package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const result = await cli([flag]);
      expect(result).toEqual({ code: 0, stdout: `unlatch ${version}\n`, stderr: '' });
    }
  });

  it('is listed in the help', async () => {
    expect((await cli(['--help'])).stdout).toContain('-V, --version');
  });
});

describe('unlatch config validate', () => {
  let ws: CliWorkspace | null = null;
  afterEach(() => {
    ws?.remove();
    ws = null;
  });

  it('summarises a valid production configuration without printing any secret', async () => {
    ws = cliWorkspace(PRODUCTION);
    const result = await ws.run(['config', 'validate']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^config OK \(.*unlatch\.yaml\): mode production, 2 tenants \(acme, beta\), /);
    expect(result.stdout).toContain('database postgres://unlatch:***@db.internal:5432/unlatch');
    expect(result.stdout).toContain('rate limits redis');
    expect(result.stdout).toContain('mail smtp mail.example.org:587');
    expect(result.stdout).toContain('keys 1 (newest k2026)');
    for (const secret of ['pg-s3cret', 'r3dis-s3cret', 'smtp-s3cret', KEY]) expect(result.stdout).not.toContain(secret);
  });

  it('validates a configuration whose secrets come from files', async () => {
    ws = cliWorkspace({ ...PRODUCTION, secrets: { keys: [] }, database: {} });
    writeFileSync(join(ws.dir, 'key'), `${KEY}\n`);
    writeFileSync(join(ws.dir, 'db'), 'postgres://u:x@db/unlatch\n');
    const result = await ws.run(['config', 'validate'], { env: { UNLATCH_SECRET_KEY_FILE: join(ws.dir, 'key'), UNLATCH_DATABASE_URL_FILE: join(ws.dir, 'db') } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('database postgres://u:***@db/unlatch');
    expect(result.stdout).toContain('keys 1 (newest env)');
  });

  it('answers a bad configuration with one line naming the key and exit code 2', async () => {
    ws = cliWorkspace({ ...PRODUCTION, server: { port: 70000 } });
    const result = await ws.run(['config', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^unlatch config validate: config: server\.port: .*\n$/);
  });

  it('refuses what serve would refuse beyond the schema: a key that does not decode to 32 bytes', async () => {
    ws = cliWorkspace({ ...PRODUCTION, secrets: { keys: [{ id: 'short', secret: 'not-hex-and-too-short-for-a-key-!!' }] } });
    const result = await ws.run(['config', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('unlatch config validate: config: secrets.keys (short): must decode to at least 32 bytes\n');
  });

  it('refuses a production configuration that lacks what production needs', async () => {
    ws = cliWorkspace({ ...PRODUCTION, publicUrl: undefined });
    const result = await ws.run(['config', 'validate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('config: publicUrl: required in production mode');
  });

  it('names a missing --config file and exits 2', async () => {
    const result = await cli(['config', 'validate', '--config', '/nonexistent/unlatch.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('file not found: /nonexistent/unlatch.yaml');
  });

  it('is listed under the config group', async () => {
    const result = await cli(['config', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/config validate\s+Check the configuration/);
  });
});
