import { FilterReader } from '../../adapters/password/breached/filter-reader.js';
import type { Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { FILE_OPTION, KIND_OPTION, filterPath, kindOption } from './breached-options.js';

export const breachedStatusCommand: Command = {
  name: 'breached status',
  summary: 'Show a breached-password filter: kind, entries, size, bytes per entry, when and from what it was built.',
  synopsis: '[--kind sha1|ntlm] [--file <path>]',
  description: 'Exits 1 when the file is missing or damaged (the same checks the server makes at start).',
  options: { kind: KIND_OPTION, file: FILE_OPTION },
  async run(ctx) {
    const path = filterPath(ctx, kindOption(ctx, 'sha1'), 'file');
    let reader: FilterReader;
    try {
      reader = FilterReader.open(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliFailure(`${path}: ${code === 'ENOENT' ? 'file not found' : code ? `cannot read it (${code})` : (error as Error).message}`);
    }
    const h = reader.header;
    reader.close();
    const rows: [string, string][] = [
      ['file', path],
      ['kind', h.kind === 'ntlm' ? 'ntlm (NT hashes, for AD audits)' : 'sha1 (checked at every password step)'],
      ['entries', String(h.entryCount)],
      ['size', `${reader.fileSize} bytes`],
      ['bytes/entry', h.entryCount === 0 ? '-' : (reader.fileSize / h.entryCount).toFixed(3)],
      ['false matches', '1 in 256 (8-bit fingerprints)'],
      ['partitions', String(h.partitionCount)],
      ['created', h.createdAt.toISOString()],
      ['source', h.source],
    ];
    ctx.io.stdout.write(rows.map(([k, v]) => `${`${k}:`.padEnd(15)}${v}\n`).join(''));
    return 0;
  },
};
