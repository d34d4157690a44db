import { createInterface } from 'node:readline';
import type { Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { FILE_OPTION, KIND_OPTION, filterPath, kindOption, openFilter } from './breached-options.js';

export const breachedCheckCommand: Command = {
  name: 'breached check',
  summary: 'Read hashes on stdin (NT hashes from an AD audit by default) and print those in the breach list.',
  synopsis: '[--kind ntlm|sha1] [--file <path>] < hashes.txt',
  description: [
    'One hash per line, as an AD audit tool exports them: a bare hash, `account:hash`, or pwdump lines',
    '(`account:rid:lmhash:nthash:::`, the last 32-digit field is taken). Prints `breached <account>` for every',
    'match (the hash when the line names no account) and a count on stderr. 1 match in 256 may be false.',
  ].join('\n'),
  options: { kind: KIND_OPTION, file: FILE_OPTION },
  async run(ctx) {
    const kind = kindOption(ctx, 'ntlm');
    const path = filterPath(ctx, kind, 'file');
    const reader = openFilter(path);
    if (reader.header.kind !== kind) {
      reader.close();
      throw new CliFailure(`${path} holds the ${reader.header.kind} list, not ${kind}`);
    }
    const digits = kind === 'ntlm' ? 32 : 40;
    const hashField = new RegExp(`^[0-9A-Fa-f]{${digits}}$`);
    let checked = 0;
    let found = 0;
    let skipped = 0;
    try {
      for await (const raw of createInterface({ input: ctx.io.stdin, crlfDelay: Infinity })) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) continue;
        const fields = line.split(':');
        const at = fields.findLastIndex((f) => hashField.test(f));
        if (at === -1) {
          skipped++;
          continue;
        }
        checked++;
        if (reader.hasDigest(Buffer.from(fields[at]!, 'hex'))) {
          found++;
          ctx.io.stdout.write(`breached ${at > 0 && fields[0] !== '' ? fields[0] : fields[at]!.toUpperCase()}\n`);
        }
      }
    } finally {
      reader.close();
    }
    ctx.io.stderr.write(`${found} of ${checked} hashes are in the breach list${skipped > 0 ? `; ${skipped} lines held no ${digits}-digit hash` : ''}\n`);
    return 0;
  },
};
