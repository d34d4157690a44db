// Parent side of bench/lib/server.mjs: fork, wait for ready, ask for stats/profiles, stop (always).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { npmStartNodeFlags } from './start-flags.mjs';

const SERVER_SCRIPT = fileURLToPath(new URL('./server.mjs', import.meta.url));

export class ServerProcess {
  /**
   * @param {{ dataDir: string, users: number, logLevel?: string, startTimeoutMs?: number,
   *   databaseUrl?: string, limiterStore?: 'memory' | 'redis', redisUrl?: string, seedUsers?: boolean, masterKey?: string,
   *   execArgv?: string[], withoutStartFlags?: boolean, dist?: string }} options
   */
  constructor(options) {
    this.options = options;
    this.child = null;
    this.ready = null;
    this.exited = false;
    this.waiters = new Map();
    this.stopped = null;
  }

  async start() {
    const { startTimeoutMs = 60_000, execArgv = [], withoutStartFlags = false, ...childOptions } = this.options;
    // The server runs with the flags `npm start` uses (heap limits); --server-node-options adds to them
    // (a later V8 flag wins over an earlier one of the same name).
    const flags = [...(withoutStartFlags ? [] : npmStartNodeFlags()), ...execArgv];
    this.child = fork(SERVER_SCRIPT, [JSON.stringify({ logLevel: 'warn', ...childOptions })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: flags,
    });
    this.child.on('message', (message) => this.onMessage(message));
    const exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        resolve({ code, signal });
        for (const [, waiter] of this.waiters) waiter.reject(new Error(`bench server exited (code ${code}, signal ${signal})`));
        this.waiters.clear();
      });
    });
    this.exitedPromise = exited;
    this.ready = await withTimeout(this.waitFor('ready'), startTimeoutMs, 'bench server did not start');
    return this.ready;
  }

  onMessage(message) {
    if (message.type === 'error') {
      const waiter = [...this.waiters.values()][0];
      const error = new Error(`bench server: ${message.message}`);
      if (waiter) waiter.reject(error);
      else process.stderr.write(`${error.message}\n`);
      return;
    }
    const waiter = this.waiters.get(message.type);
    if (waiter) {
      this.waiters.delete(message.type);
      waiter.resolve(message);
    }
  }

  waitFor(type) {
    if (this.exited) return Promise.reject(new Error('bench server is not running'));
    return new Promise((resolve, reject) => this.waiters.set(type, { resolve, reject }));
  }

  async request(message, replyType, timeoutMs = 30_000) {
    const reply = this.waitFor(replyType);
    this.child.send(message);
    return withTimeout(reply, timeoutMs, `bench server did not answer ${message.type}`);
  }

  /** RSS now, overall peak, and peak since the last call with resetPeak. */
  stats(resetPeak = false) {
    return this.request({ type: 'stats', resetPeak }, 'stats');
  }

  profileStart() {
    return this.request({ type: 'profile-start' }, 'profile-started');
  }

  profileStop(file) {
    return this.request({ type: 'profile-stop', file }, 'profile', 60_000);
  }

  /** Stops the server and returns its final report; kills it if it does not leave in time. Safe to call twice. */
  async stop(timeoutMs = 15_000) {
    if (this.stopped) return this.stopped;
    this.stopped = (async () => {
      if (!this.child || this.exited) return null;
      let report = null;
      try {
        report = await this.request({ type: 'stop' }, 'stopped', timeoutMs);
      } catch {
        // fall through to the kill below
      }
      const exited = await Promise.race([this.exitedPromise, sleep(timeoutMs).then(() => null)]);
      if (!exited && !this.exited) {
        this.child.kill('SIGKILL');
        await this.exitedPromise;
      }
      return report;
    })();
    return this.stopped;
  }

  /** Last resort (process exit handlers): synchronous kill by pid. */
  killNow() {
    if (this.child && !this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
