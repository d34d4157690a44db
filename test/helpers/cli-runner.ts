import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/cli.js';
import type { CliIo } from '../../src/cli/io.js';
import type { RawConfig } from '../../src/config/schema.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  done: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** What SIGINT/SIGTERM would do to the real process. */
  shutdown(signal?: string): void;
}

/** Runs the CLI in this process with captured streams, a given stdin, environment and working directory. */
export function startCli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningCli {
  let out = '';
  let err = '';
  const handlers = new Set<(signal: string) => void>();
  const io: CliIo = {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin, 'utf8')]),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    onShutdown(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
  const done = runCli(args, io).then((code) => ({ code, stdout: out, stderr: err }));
  return {
    done,
    stdout: () => out,
    stderr: () => err,
    shutdown(signal = 'SIGTERM') {
      for (const handler of [...handlers]) handler(signal);
    },
  };
}

export function cli(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** A temp folder with an `unlatch.yaml`; `run` passes `--config` to it. */
export interface CliWorkspace {
  dir: string;
  configPath: string;
  run(args: string[], options?: { stdin?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult>;
  remove(): void;
}

export function cliWorkspace(config: RawConfig): CliWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-cli-'));
  const configPath = join(dir, 'unlatch.yaml');
  writeFileSync(configPath, stringify({ mode: 'dev', dataDir: join(dir, 'data'), log: { level: 'silent' }, ...config }));
  return {
    dir,
    configPath,
    run: (args, options = {}) => cli([...args, '--config', configPath], { ...options, cwd: dir }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
