import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './services.js';

const run = promisify(execFile);

/** Debian's layout: /usr/lib/postgresql/<major>/bin; UNLATCH_TEST_PG_BIN names another folder. */
function pgBinDir(): string | null {
  if (process.env.UNLATCH_TEST_PG_BIN) return process.env.UNLATCH_TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const majors = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : null;
}

/**
 * Whether a private cluster can be started here: the server binaries, and either running as root (with
 * `runuser` and a `postgres` account, since PostgreSQL refuses to run as root) or as a non-root user.
 */
export function privatePostgresAvailable(): boolean {
  if (!pgBinDir()) return false;
  if (userInfo().uid !== 0) return true;
  return existsSync('/usr/sbin/runuser') || existsSync('/sbin/runuser');
}

/** A throwaway PostgreSQL cluster of the test's own, which it may stop and restart at will. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/unlatch` (trust auth). */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: clients get 57P01), keeping its data. */
  halt(): Promise<void>;
  /** Starts a halted server again on the same port, waiting until it accepts connections. */
  resume(): Promise<void>;
  /** `pg_ctl restart -m fast`: what an operator's restart does to connected clients. */
  restart(): Promise<void>;
  /** Stops the server at once and removes its folder. Safe to call twice. */
  destroy(): Promise<void>;
}

/** Initialises and starts a cluster on a free loopback port in a temp folder (fsync off: throwaway data). */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = pgBinDir();
  if (!bin) throw new Error('PostgreSQL server binaries not found (set UNLATCH_TEST_PG_BIN)');
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-pg-'));
  const data = join(dir, 'data');
  const asRoot = userInfo().uid === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  // PostgreSQL refuses to run as root: as root, every server command runs as the postgres account.
  const pgCommand = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => pgCommand('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', ...args]);
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await pgCtl('-m', 'immediate', 'stop').catch(() => killByPidFile(data));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pgCommand('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    await pgCtl('-o', options, 'start');
    const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await admin.connect();
    try {
      await admin.query('create database unlatch');
    } finally {
      await admin.end();
    }
  } catch (error) {
    await destroy();
    const log = existsSync(join(dir, 'server.log')) ? readFileSync(join(dir, 'server.log'), 'utf8') : '';
    throw new Error(`private PostgreSQL did not start: ${(error as Error).message}\n${log}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/unlatch`,
    port,
    halt: async () => void (await pgCtl('-m', 'fast', 'stop')),
    resume: async () => void (await pgCtl('-o', options, 'start')),
    restart: async () => void (await pgCtl('-m', 'fast', '-o', options, 'restart')),
    destroy,
  };
}

/** Last resort when pg_ctl cannot stop it: the postmaster's PID is the first line of postmaster.pid. */
function killByPidFile(data: string): void {
  const pidFile = join(data, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // Already gone.
    }
  }
}
