import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

/**
 * The password checks docs/directories.md tells administrators to run ("Checking a person's password by
 * hand"), run as written against a test server: only the server, the person, the CA file and the password
 * (`-W` asks for it on a terminal) are swapped for the test's.
 */

/** One documented command: its environment assignments and arguments, the program first. */
export interface DocCommand {
  env: Record<string, string>;
  argv: string[];
}

/** The ```sh blocks of the section, each as one command (continuation lines joined, comments dropped). */
export function documentedBindCommands(): DocCommand[] {
  const text = readFileSync(join(packageRoot(), 'docs', 'directories.md'), 'utf8');
  const start = text.indexOf("### Checking a person's password by hand");
  if (start < 0) throw new Error("docs/directories.md has no section \"Checking a person's password by hand\"");
  const section = text.slice(start, text.indexOf('\n## ', start));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => parseCommand(m[1]!));
}

function parseCommand(block: string): DocCommand {
  const line = block
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  // Words, with "…" quoting (enough for these commands: no escapes, no variables).
  const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
  const env: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  return { env, argv: words };
}

/** The documented command whose program is `program`. */
export function documentedCommand(program: string): DocCommand {
  const found = documentedBindCommands().find((c) => c.argv[0] === program);
  if (!found) throw new Error(`docs/directories.md shows no ${program} command`);
  return found;
}

/** What a test puts in place of the example's server, person, CA and password. */
export interface Target {
  url: string;
  bindDn: string;
  password: string;
  caFile: string;
  /** Extra environment (a test certificate that does not carry 127.0.0.1). */
  env?: Record<string, string>;
}

/** Runs a documented command against `target`; the exit code, and what it printed. */
export function runDocumented(command: DocCommand, target: Target): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = command.argv.flatMap((word, i, all) => {
    if (word === '-W') return ['-w', target.password];
    const option = all[i - 1];
    if (option === '-H') return [target.url];
    if (option === '-D') return [target.bindDn];
    return [word];
  });
  const env = { ...process.env, ...command.env, ...(command.env.LDAPTLS_CACERT ? { LDAPTLS_CACERT: target.caFile } : {}), ...target.env };
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { env, timeout: 15_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
