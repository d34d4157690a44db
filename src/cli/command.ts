import { parseArgs } from 'node:util';
import { loadConfig, type ValidateScope } from '../config/load-config.js';
import type { UnlatchConfig } from '../config/schema.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';

/** One option of a command, with what `--help` says about it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help for a string option, e.g. `T` in `--tenant <T>`. */
  value?: string;
  description: string;
  /** A string option that may be given more than once (`--tenant a --tenant b`); read it with `listOption`. */
  multiple?: boolean;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  config: { type: 'string', value: 'path', description: 'configuration file (default: ./unlatch.yaml when it exists)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  io: CliIo;
  values: OptionValues;
  positionals: string[];
  /**
   * Loads and validates the configuration (`--config`, UNLATCH_* variables); throws ConfigError. With a
   * `scope`, only what it names is read (a command about one tenant); loaded once either way.
   */
  config(scope?: ValidateScope): UnlatchConfig;
}

export interface Command {
  /** `serve`, `users add`, … */
  name: string;
  summary: string;
  /** What follows the name in the usage line, e.g. `<file.csv> [--tenant T]`. */
  synopsis: string;
  /** Paragraphs shown after the usage line in `--help`. */
  description?: string;
  options: Record<string, OptionSpec>;
  positionals?: { min: number; max: number; name: string };
  run(ctx: CommandContext): Promise<number>;
}

/** Parses a command's arguments strictly; problems become UsageErrors that never echo a value. */
export function parseCommandArgs(command: Command, args: string[]): { values: OptionValues; positionals: string[] } {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  const end = args.indexOf('--');
  if ((end === -1 ? args : args.slice(0, end)).some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new UsageError('a password is never taken as an argument (it would show in process lists and shell history); pipe it in with --password-stdin');
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'(-[^']*)'/.exec((error as Error).message)?.[1] ?? 'option';
      throw new UsageError(`unknown option ${option.split('=')[0]}`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      // Node's message names the option and its expected form; keep its first sentence only.
      throw new UsageError(((error as Error).message.split('. ')[0] ?? 'invalid option value').replace(/\.$/, ''));
    }
    throw new UsageError('could not read the arguments');
  }
  const { values, positionals } = parsed;
  if (values.help !== true) {
    const { min, max, name } = command.positionals ?? { min: 0, max: 0, name: '' };
    // The extra argument is not shown: it may be a password typed where it does not belong.
    if (positionals.length > max) throw new UsageError(max === 0 ? 'unexpected argument: this command takes options only' : `too many arguments (expected ${name})`);
    if (positionals.length < min) throw new UsageError(`missing ${name}`);
  }
  return { values: values as OptionValues, positionals };
}

/** The context a command runs with. */
export function commandContext(io: CliIo, values: OptionValues, positionals: string[]): CommandContext {
  let config: UnlatchConfig | null = null;
  return {
    io,
    values,
    positionals,
    config(scope) {
      config ??= loadConfig({ configPath: stringOption(values, 'config'), env: io.env, cwd: io.cwd, ...(scope ? { scope } : {}) });
      return config;
    },
  };
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a `multiple` string option, in the order given (none: an empty list). */
export function listOption(values: OptionValues, name: string): string[] {
  const value: unknown = values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** A string option that must not be blank when given. */
export function requiredString(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

export function help(command: Command): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: unlatch ${command.name}${command.synopsis ? ` ${command.synopsis}` : ''}`,
    '',
    command.summary,
    ...(command.description ? ['', command.description] : []),
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
    '',
  ].join('\n');
}

/** `--tenant`, checked against the configured tenants; the default tenant when absent. */
export function tenantOption(config: UnlatchConfig, values: OptionValues): string {
  const given = stringOption(values, 'tenant');
  if (given === undefined) return config.defaultTenant!;
  const id = given.trim();
  if (!config.tenants.some((t) => t.id === id)) {
    throw new UsageError(`unknown tenant ${JSON.stringify(id)} (configured: ${config.tenants.map((t) => t.id).join(', ')})`);
  }
  return id;
}
