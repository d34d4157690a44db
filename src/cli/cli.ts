import { ConfigError } from '../config/load-config.js';
import { commandContext, help, parseCommandArgs, type Command } from './command.js';
import { adminTokenCreateCommand } from './commands/admin-token-create.js';
import { adminTokenListCommand } from './commands/admin-token-list.js';
import { adminTokenRevokeCommand } from './commands/admin-token-revoke.js';
import { auditVerifyCommand } from './commands/audit-verify.js';
import { configValidateCommand } from './commands/config-validate.js';
import { directoryCheckCommand } from './commands/directory-check.js';
import { keysRotateCommand } from './commands/keys-rotate.js';
import { keysStatusCommand } from './commands/keys-status.js';
import { hooksRetryCommand } from './commands/hooks-retry.js';
import { migrateCommand } from './commands/migrate.js';
import { methodsImportCommand } from './commands/methods-import.js';
import { methodsSyncCommand } from './commands/methods-sync.js';
import { policyShowCommand } from './commands/policy-show.js';
import { policySimulateCommand } from './commands/policy-simulate.js';
import { serveCommand } from './commands/serve.js';
import { usersAddCommand } from './commands/users-add.js';
import { usersImportCommand } from './commands/users-import.js';
import { usersListCommand } from './commands/users-list.js';
import { workerCommand } from './commands/worker.js';
import { remindersRunCommand } from './commands/reminders-run.js';
import { syntheticCommand } from './commands/synthetic.js';
import { breachedCheckCommand } from './commands/breached-check.js';
import { breachedImportCommand } from './commands/breached-import.js';
import { breachedStatusCommand } from './commands/breached-status.js';
import { incidentEndCommand } from './commands/incident-end.js';
import { incidentReportCommand } from './commands/incident-report.js';
import { incidentResetCommand } from './commands/incident-reset.js';
import { incidentStatusCommand } from './commands/incident-status.js';
import { CliFailure, UsageError, exitCodeOf, isConnectionError, oneLine } from './errors.js';
import type { CliIo } from './io.js';
import { unlatchVersion } from '../version.js';

/** Every command, by its full name; a name with a space belongs to a group (`users`, `audit`). */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  workerCommand,
  usersAddCommand,
  usersImportCommand,
  usersListCommand,
  methodsImportCommand,
  methodsSyncCommand,
  auditVerifyCommand,
  directoryCheckCommand,
  configValidateCommand,
  keysStatusCommand,
  keysRotateCommand,
  hooksRetryCommand,
  adminTokenCreateCommand,
  adminTokenListCommand,
  adminTokenRevokeCommand,
  policySimulateCommand,
  policyShowCommand,
  remindersRunCommand,
  syntheticCommand,
  incidentResetCommand, incidentStatusCommand, incidentReportCommand, incidentEndCommand,
  breachedImportCommand,
  breachedStatusCommand,
  breachedCheckCommand,
];

/** Every proper prefix of a command's name: `users`, and for `admin token create` both `admin` and `admin token`. */
const GROUPS = new Set(COMMANDS.flatMap((c) => c.name.split(' ').slice(0, -1).map((_, i, words) => words.slice(0, i + 1).join(' '))));

function overview(group?: string): string {
  const shown = COMMANDS.filter((c) => group === undefined || c.name.startsWith(`${group} `));
  const width = Math.max(...shown.map((c) => c.name.length));
  return [
    `Usage: unlatch ${group ?? '<command>'}${group ? ' <subcommand>' : ''} [options]`,
    '',
    ...(group ? [] : ['Unlatch: self-service password reset.', '']),
    'Commands:',
    ...shown.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    '  --config <path>  configuration file (default: ./unlatch.yaml when it exists); UNLATCH_* variables override it',
    '  -h, --help       help for any command, e.g. unlatch users import --help',
    '  -V, --version    print the version and exit',
    '',
    'Exit codes: 0 done, 1 failed, 2 bad arguments or configuration. UNLATCH_DEBUG=1 prints stack traces.',
    '',
  ].join('\n');
}

/**
 * Finds the command words (`users`, `add`) among the arguments. Only `--config <path>` and `--help` may come
 * before them; everything else is the command's to parse.
 */
function locateCommand(argv: readonly string[]): { words: string[]; rest: string[]; help: boolean } {
  const words: string[] = [];
  const rest: string[] = [];
  let helpAsked = false;
  let i = 0;
  for (; i < argv.length && (words.length === 0 || GROUPS.has(words.join(' '))); i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--config') {
      rest.push(arg, ...(i + 1 < argv.length ? [argv[i + 1]!] : []));
      i += 1;
    } else if (arg.startsWith('-')) {
      if (arg === '--help' || arg === '-h') helpAsked = true;
      rest.push(arg);
    } else if (words.length === 0 || GROUPS.has(words.join(' '))) {
      words.push(arg);
    } else {
      break;
    }
  }
  rest.push(...argv.slice(i));
  return { words, rest, help: helpAsked };
}

/** Runs one CLI invocation and returns the exit code. Never throws; errors become one line on stderr. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const { words, rest, help: helpAsked } = locateCommand(argv);
  const name = words.join(' ');
  const known = COMMANDS.some((c) => c.name === name) || GROUPS.has(name);
  // Errors are prefixed with what was run, as far as it exists: `unlatch users add:`, `unlatch users:`, `unlatch:`.
  const label = known ? `unlatch ${name}` : GROUPS.has(words[0] ?? '') ? `unlatch ${words[0]}` : 'unlatch';
  try {
    if (words.length === 0 && (rest[0] === '--version' || rest[0] === '-V')) {
      io.stdout.write(`unlatch ${unlatchVersion()}\n`);
      return 0;
    }
    if (words.length === 0 || words[0] === 'help') {
      if (helpAsked || words[0] === 'help') {
        io.stdout.write(overview());
        return 0;
      }
      if (rest.length > 0) throw new UsageError(`missing command before ${rest[0]!.startsWith('-') ? rest[0]!.split('=')[0] : 'the arguments'}`);
      io.stderr.write(overview());
      return 2;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      if (GROUPS.has(name)) {
        if (helpAsked) {
          io.stdout.write(overview(name));
          return 0;
        }
        throw new UsageError(`missing subcommand: one of ${[...new Set(COMMANDS.filter((c) => c.name.startsWith(`${name} `)).map((c) => c.name.slice(name.length + 1).split(' ')[0]))].join(', ')}`);
      }
      throw new UsageError(GROUPS.has(words[0]!) ? `unknown subcommand ${JSON.stringify(words.at(-1))}` : `unknown command ${JSON.stringify(name)}`);
    }
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help === true) {
      io.stdout.write(help(command));
      return 0;
    }
    return await command.run(commandContext(io, values, positionals));
  } catch (error) {
    return fail(io, label, error);
  }
}

function fail(io: CliIo, label: string, error: unknown): number {
  let message = oneLine(error);
  if (error instanceof UsageError) message += ` (see ${label} --help)`;
  else if (!(error instanceof CliFailure) && !(error instanceof ConfigError) && isConnectionError(error)) message = `database unreachable: ${message}`;
  io.stderr.write(`${label}: ${message}\n`);
  if (io.env.UNLATCH_DEBUG === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return exitCodeOf(error);
}
