import type { Command } from '../command.js';
import { FILE_OPTION, KIND_OPTION, filterPath, kindOption, openFilter } from './breached-options.js';

export const breachedStatusCommand: Command = {
  name: 'breached status',
  summary: 'Show a breached-password filter: kind, entries, size, bytes per entry, when and from what it was built.',
  synopsis: '[--kind sha1|ntlm] [--file <path>]',
  description: 'Exits 1 when the file is missing or damaged (the same checks the server makes at start).',
  options: { kind: KIND_OPTION, file: FILE_OPTION },
  async run(ctx) {
    const path = filterPath(ctx, kindOption(ctx, 'sha1'), 'file');
    // Only the header is shown: never read a small filter whole.
    const reader = openFilter(path, { holdInMemoryBytes: 0 });
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
