import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './services.js';

/** The machine's shared Redis; tests keep to a key prefix of their own. */
export const REDIS_TEST_URL = process.env.UNLATCH_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a Redis port answers to PING: `+PONG`, or the connection error's code. */
function ping(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, host, () => socket.write('PING\r\n'));
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve('TIMEOUT');
    });
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().trim());
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'ERROR'));
  });
}

let probe: Promise<boolean> | null = null;

/** Whether the shared test Redis answers. */
export function redisAvailable(): Promise<boolean> {
  const url = new URL(REDIS_TEST_URL);
  probe ??= ping(Number(url.port || 6379), url.hostname).then((answer) => answer === '+PONG');
  return probe;
}

/** A unique key prefix, so parallel test files never see each other's counters. */
export function uniquePrefix(name: string): string {
  return `unlatch-test-${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Deletes every key under `prefix` on the shared test Redis. */
export async function deleteRedisKeys(prefix: string, url = REDIS_TEST_URL): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

/** Whether a `redis-server` binary is installed (tests that stop Redis run their own). */
export function redisServerInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A throwaway redis-server of this test's own, on a free port, that the test may stop and start again. */
export interface PrivateRedis {
  port: number;
  url: string;
  /** Kills the server (an outage) and waits until it is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty, and waits until it answers. */
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  dispose(): Promise<void>;
}

/**
 * Starts a private redis-server (nothing persisted) in a temp directory; stop it by its PID, never by name.
 * With `password`, clients must authenticate (the URL then carries it, as a deployment's would).
 */
export async function startPrivateRedis(options: { password?: string } = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-redis-'));
  const port = await freePort();
  let server: ChildProcess | null = null;

  const start = async (): Promise<void> => {
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      ...(options.password ? ['--requirepass', options.password] : [])], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i += 1) {
      const answer = await ping(port);
      if (answer === '+PONG' || answer.startsWith('-NOAUTH')) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`private redis-server on port ${port} did not answer`);
  };
  const stop = async (): Promise<void> => {
    const running = server;
    server = null;
    if (!running || running.exitCode !== null) return;
    running.kill('SIGKILL');
    await once(running, 'exit');
  };

  await start();
  return {
    port,
    url: options.password ? `redis://:${encodeURIComponent(options.password)}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`,
    stop,
    start,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
