import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN, ensureBuiltCli } from '../helpers/built-cli.js';
import { startCli } from '../helpers/cli-runner.js';

const MAIN = BUILT_MAIN;

/** An environment with nothing of ours in it but what the test sets. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('UNLATCH_')));
  return { ...env, UNLATCH_LOG_LEVEL: 'silent', ...extra };
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('unlatch serve (in-process)', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'unlatch-serve-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stops on a bad config with exit code 2 and one line naming the key', async () => {
    const result = await startCli(['serve'], { env: { UNLATCH_PORT: 'notaport', UNLATCH_DATA_DIR: dataDir } }).done;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('unlatch serve: config: server.port (UNLATCH_PORT): expected a whole number, got "notaport"\n');
    const fromFile = await startCli(['serve', '--config', join(dataDir, 'nope.yaml')], { env: {} }).done;
    expect(fromFile).toMatchObject({ code: 2, stderr: expect.stringMatching(/^unlatch serve: config: --config: file not found: .*nope\.yaml\n$/) });
  });

  it('listens, prints where, serves, and closes cleanly on a shutdown signal', async () => {
    const run = startCli(['serve'], { env: { UNLATCH_PORT: '0', UNLATCH_DATA_DIR: dataDir, UNLATCH_LOG_LEVEL: 'silent' } });
    const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(run.stdout())?.[1], 'the listening line');
    expect(run.stdout()).toContain('demo users: alice, bob, carol — see README\n');
    expect(run.stdout()).toContain(`captured mail: ${url}/dev/outbox\n`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    run.shutdown('SIGTERM');
    const result = await run.done;
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/SIGTERM received, shutting down\nstopped\n$/);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe('the built CLI (dist), as a child process', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'unlatch-dist-'));
    ensureBuiltCli();
  }, 120_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [MAIN, ...args], { cwd: dataDir, env: cleanEnv({ UNLATCH_DATA_DIR: dataDir, ...env }), encoding: 'utf8', timeout: 30_000 });

  it('prints help and exits 0', () => {
    const top = run(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/^Usage: unlatch <command>/);
    for (const name of ['serve', 'migrate', 'worker', 'users add', 'users import', 'users list', 'audit verify']) expect(top.stdout).toContain(`  ${name} `);
    const sub = run(['users', 'import', '--help']);
    expect(sub.status).toBe(0);
    expect(sub.stdout).toMatch(/^Usage: unlatch users import <file\.csv> \[--tenant T\]/);
  });

  it('exits 2 with one line, and no stack trace, on a bad config', () => {
    const result = run(['serve'], { UNLATCH_PORT: 'notaport' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('unlatch serve: config: server.port (UNLATCH_PORT): expected a whole number, got "notaport"\n');
    expect(result.stdout).toBe('');
    const usage = run(['users', 'frobnicate']);
    expect(usage.status).toBe(2);
    expect(usage.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(usage.stderr).not.toMatch(/\n\s+at /);
  });

  it('serves until SIGTERM, then closes and exits 0', async () => {
    const child = spawn(process.execPath, [MAIN, 'serve'], { cwd: dataDir, env: cleanEnv({ UNLATCH_DATA_DIR: dataDir, UNLATCH_PORT: '0' }) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(out)?.[1], `the listening line (stderr: ${err})`);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toMatch(/SIGTERM received, shutting down\nstopped\n$/);
      expect(err).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
