import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_MAIN, ensureBuiltCli } from '../helpers/built-cli.js';
import { stringify } from 'yaml';

const MAIN = BUILT_MAIN;
/** Kubernetes' default grace period is 30 s; Unlatch's own deadline is 10 s. */
const EXIT_DEADLINE_MS = 10_000;

/** A running `unlatch serve` child with its output and exit. */
interface Served {
  child: ChildProcess;
  port: number;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A raw HTTP/1.1 connection, so the test decides when a request is complete and sees when the server closes. */
async function rawConnection(port: number): Promise<{ socket: Socket; received(): string; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((r, j) => socket.once('connect', r).once('error', j));
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => undefined);
  return { socket, received: () => data, closed };
}

describe('graceful shutdown of the built CLI `serve` on SIGTERM', () => {
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlatch-shutdown-'));
    ensureBuiltCli();
  }, 120_000);
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(name: string, server: Record<string, number>): Promise<Served> {
    const dataDir = join(dir, name);
    const configPath = join(dir, `${name}.yaml`);
    writeFileSync(configPath, stringify({ mode: 'dev', dataDir, server: { host: '127.0.0.1', port: 0, ...server }, log: { level: 'silent' } }));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('UNLATCH_')));
    const child = spawn(process.execPath, [MAIN, 'serve', '--config', configPath], { cwd: dir, env });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Starting is not what is measured: a loaded CI machine may take a while (the exit deadlines below are the point).
    const port = await waitFor(`the listening line (stderr: ${err})`, () => /listening on http:\/\/[\d.]+:(\d+)/.exec(out)?.[1], 60_000);
    return { child, port: Number(port), out: () => out, err: () => err, exited };
  }

  /** The exit code, or a failure when the process is still running after the deadline. */
  function exitWithin(served: Served, ms: number): Promise<number | null> {
    return Promise.race([served.exited, new Promise<never>((_, j) => setTimeout(() => j(new Error(`still running ${ms} ms after SIGTERM`)), ms))]);
  }

  it('turns /readyz 503 first, finishes the request in flight, drops idle keep-alive connections, exits 0', async () => {
    const served = await serve('clean', { drainDelaySeconds: 1 });
    const base = `http://127.0.0.1:${served.port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // A keep-alive connection left idle after one request: it must not hold the exit (72 s keep-alive timeout).
    const idle = await rawConnection(served.port);
    idle.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await waitFor('the idle connection\'s answer', () => (idle.received().includes('{"status":"ok"}') ? true : undefined));
    expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);

    // A request in flight: headers and half the body sent, the rest only once the server is closing.
    const body = JSON.stringify({ identifier: 'alice' });
    const busy = await rawConnection(served.port);
    busy.socket.write(`POST /api/v1/reset HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 100));

    served.child.kill('SIGTERM');
    const exit = exitWithin(served, EXIT_DEADLINE_MS);
    // During the drain delay, readiness says so while the server still answers.
    const draining = await waitFor('/readyz to turn 503', async () => {
      const response = await fetch(`${base}/readyz`, { headers: { connection: 'close' } });
      return response.status === 503 ? await response.json() : undefined;
    }, 5000);
    expect(draining).toEqual({ status: 'draining' });

    // The close starts once the delay is over: the idle connection is closed at once...
    await idle.closed;
    // ...while the request in flight still completes, and its connection closes after the answer.
    busy.socket.write(body.slice(5));
    await busy.closed;
    expect(busy.received()).toMatch(/^HTTP\/1\.1 202 /);
    expect(busy.received().toLowerCase()).toContain('connection: close');

    expect(await exit).toBe(0);
    expect(served.out()).toMatch(/SIGTERM received, shutting down\nstopped\n$/);
    expect(served.err()).toBe('');
  }, 120_000);

  it('past the shutdown deadline, closes every connection and exits 1 with one line saying so', async () => {
    const served = await serve('stuck', { drainDelaySeconds: 0, shutdownTimeoutSeconds: 1 });
    // A request whose body never finishes holds its connection busy for ever.
    const stuck = await rawConnection(served.port);
    stuck.socket.write('POST /api/v1/reset HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ident');
    await new Promise((r) => setTimeout(r, 100));

    served.child.kill('SIGTERM');
    expect(await exitWithin(served, EXIT_DEADLINE_MS)).toBe(1);
    await stuck.closed;
    expect(served.err()).toBe('unlatch serve: shutdown did not finish within 1 s; closing every connection\n');
    expect(served.out()).not.toContain('stopped');
  }, 120_000);
});
