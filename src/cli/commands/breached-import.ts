import { ImportInputError, importBreachedList } from '../../adapters/password/breached/filter-import.js';
import { stringOption, type Command } from '../command.js';
import { CliFailure, UsageError } from '../errors.js';
import { KIND_OPTION, filterPath, kindOption } from './breached-options.js';
import { progressPrinter } from './breached-progress.js';

export const breachedImportCommand: Command = {
  name: 'breached import',
  summary: 'Build the offline breached-password filter from the Pwned Passwords list (resumable; safe while serving).',
  synopsis: '<file-or-folder> [--kind sha1|ntlm] [--out <path>]',
  description: [
    'Reads the ordered HASH:count list (one file) or the folder of range files the official downloader writes',
    '(00000.txt … FFFFF.txt) in one pass and writes a binary fuse filter: about 1.13 bytes a password, 1 false',
    'match in 256. Writes <out>.partial and <out>.progress as it goes; run the same command again after an',
    'interruption and it continues from the last finished partition. At the end the new file is renamed over',
    '<out>, and a running server switches to it without a restart. See docs/breached-passwords.md.',
  ].join('\n'),
  options: {
    kind: KIND_OPTION,
    out: { type: 'string', value: 'path', description: 'the filter file to write (default: the configured one of the kind)' },
    'partition-bits': { type: 'string', value: 'N', description: 'split into 2^N partitions (0–20; default: about a million entries each)' },
  },
  positionals: { min: 1, max: 1, name: '<file-or-folder>' },
  async run(ctx) {
    const kind = kindOption(ctx, 'sha1');
    const output = filterPath(ctx, kind, 'out');
    const bitsText = stringOption(ctx.values, 'partition-bits');
    const partitionBits = bitsText === undefined ? undefined : Number(bitsText);
    if (partitionBits !== undefined && (!/^\d+$/.test(bitsText!) || partitionBits > 20)) throw new UsageError('--partition-bits must be a whole number from 0 to 20');
    const progress = progressPrinter(ctx.io.stderr as { write(text: string): unknown; isTTY?: boolean });
    let result;
    try {
      result = await importBreachedList({
        input: ctx.positionals[0]!,
        output,
        kind,
        ...(partitionBits !== undefined ? { partitionBits } : {}),
        onProgress: (p) => progress.update(p),
        onNotice: (line) => ctx.io.stderr.write(`${line}\n`),
      });
    } catch (error) {
      progress.done();
      const code = (error as NodeJS.ErrnoException).code;
      if (error instanceof ImportInputError) throw new CliFailure(error.message);
      if (code === 'ENOENT') throw new CliFailure(`not found: ${(error as NodeJS.ErrnoException).path ?? ctx.positionals[0]}`);
      throw new CliFailure((error as Error).message);
    }
    progress.done();
    ctx.io.stdout.write(
      `wrote ${output}: ${result.entries} entries, ${result.partitions} partitions, ${result.bytes} bytes (${(result.bytes / result.entries).toFixed(3)} bytes/entry)${result.resumedAt !== null ? `, resumed at partition ${result.resumedAt}` : ''}\n`,
    );
    return 0;
  },
};
