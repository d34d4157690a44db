import { resolveMasterKeys } from '../../config/key-material.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { KEY_USAGE_KINDS } from '../../core/crypto/key-usage.js';
import { countKeyUsage } from '../../adapters/store/key-usage.js';
import { rotateSealedData, type RotationProgress } from '../../adapters/store/key-rotation.js';
import { stringOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { UsageError } from '../errors.js';
import { keyReport } from '../key-report.js';
import { printable } from '../output.js';

function wholeNumber(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[1-9]\d{0,6}$/.test(text)) throw new UsageError(`--${name} must be a whole number from 1 to 9999999`);
  return Number(text);
}

export const keysRotateCommand: Command = {
  name: 'keys rotate',
  summary: 'Re-seal everything sealed under older keys with the newest key (secrets.keys[0]), in batches.',
  synopsis: '[--batch-size N] [--batches N]',
  description: [
    'Re-seals authenticator seeds, security-question answers, pending contact codes and queued messages, each',
    'batch in its own transaction. Safe while the servers run (a value changed meanwhile is left alone) and',
    'resumable: run it again after a stop and it goes on with what is still under an older key. Then prints what',
    'each key still holds; unused backup codes cannot be re-sealed. Exits 0 when done, 1 when some value could',
    'not be opened (its key is not in the ring or it was altered) or is still under an older key.',
  ].join('\n'),
  options: {
    'batch-size': { type: 'string', value: 'N', description: 'values re-sealed per transaction (default 500)' },
    batches: { type: 'string', value: 'N', description: 'stop after N batches; a later run goes on from there (default: all)' },
  },
  async run({ io, config, values }) {
    const batchSize = wholeNumber(stringOption(values, 'batch-size'), 'batch-size', 500);
    const maxBatches = stringOption(values, 'batches') === undefined ? undefined : wholeNumber(stringOption(values, 'batches'), 'batches', 1);
    const cfg = config();
    const keys = new KeyRing(resolveMasterKeys(cfg));
    io.stdout.write(`re-sealing under key ${printable(keys.currentId)} in batches of ${batchSize}\n`);
    const line = (p: RotationProgress) => `${p.label}: ${p.resealed}/${p.total}\n`;
    const { result, counts } = await withDatabase(cfg, { migrate: false }, async (handle) => {
      const rotated = await rotateSealedData({ db: handle.db, keys, batchSize, maxBatches, onProgress: (p) => io.stdout.write(line(p)) });
      return { result: rotated, counts: await countKeyUsage(handle.db, handle.dialect, new Date()) };
    });
    let failed = false;
    for (const target of result.targets) {
      if (target.unreadable > 0) {
        failed = true;
        io.stdout.write(`${target.label}: ${target.unreadable} could not be opened (key not in the ring, or the value was altered); left as they are\n`);
      }
      if (target.changed > 0) io.stdout.write(`${target.label}: ${target.changed} changed while rotating; left to the newer write\n`);
    }
    const resealed = result.targets.reduce((sum, t) => sum + t.resealed, 0);
    io.stdout.write(result.complete ? `done: ${resealed} re-sealed\n` : `stopped after ${maxBatches} batches: ${resealed} re-sealed; run again to go on\n`);
    const report = keyReport(counts, keys.ids);
    io.stdout.write(report.lines.map((l) => `${l}\n`).join(''));
    // Done means nothing re-sealable is left under an older key (a concurrent write may have raced a batch).
    const left = counts.some((c) => c.keyId !== keys.currentId && c.count > 0 && KEY_USAGE_KINDS[c.kind].resealable);
    return failed || (result.complete && left) ? 1 : 0;
  },
};
