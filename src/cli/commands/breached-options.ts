import { resolve } from 'node:path';
import type { BreachedKind } from '../../core/password/breached/filter-format.js';
import { stringOption, type CommandContext, type OptionSpec } from '../command.js';
import { FilterReader } from '../../adapters/password/breached/filter-reader.js';
import { CliFailure, UsageError } from '../errors.js';

/** `--kind` and `--file`, shared by the `breached` commands. */
export const KIND_OPTION: OptionSpec = { type: 'string', value: 'sha1|ntlm', description: 'which list: SHA-1 (checked at every password step) or NTLM (AD audits)' };
export const FILE_OPTION: OptionSpec = { type: 'string', value: 'path', description: 'the filter file (default: password.breachedFilter.file, or .ntlmFile for --kind ntlm)' };

export function kindOption(ctx: CommandContext, fallback: BreachedKind): BreachedKind {
  const kind = stringOption(ctx.values, 'kind') ?? fallback;
  if (kind !== 'sha1' && kind !== 'ntlm') throw new UsageError('--kind must be sha1 or ntlm');
  return kind;
}

/** `--<option>` when given, else the configured file of the kind; relative paths are from the working directory. */
export function filterPath(ctx: CommandContext, kind: BreachedKind, option: string): string {
  const given = stringOption(ctx.values, option);
  if (given !== undefined && given.trim() !== '') return resolve(ctx.io.cwd, given);
  const configured = ctx.config().password.breachedFilter;
  const path = kind === 'ntlm' ? configured?.ntlmFile : configured?.file;
  if (path === undefined) throw new UsageError(`give --${option}, or configure password.breachedFilter.${kind === 'ntlm' ? 'ntlmFile' : 'file'}`);
  return resolve(ctx.io.cwd, path);
}

/** Opens a filter file for a command; a missing, unreadable or damaged one is one line naming the file and why. */
export function openFilter(path: string, options: { holdInMemoryBytes?: number } = {}): FilterReader {
  try {
    return FilterReader.open(path, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliFailure(`${path}: ${code === 'ENOENT' ? 'file not found' : code ? `cannot read it (${code})` : (error as Error).message}`);
  }
}
