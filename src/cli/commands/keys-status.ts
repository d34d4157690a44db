import { resolveMasterKeys } from '../../config/key-material.js';
import { countKeyUsage } from '../../adapters/store/key-usage.js';
import type { Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure } from '../errors.js';
import { keyReport } from '../key-report.js';

export const keysStatusCommand: Command = {
  name: 'keys status',
  summary: 'Show how many records each key of the ring (secrets.keys) still seals or checks.',
  synopsis: '',
  description: [
    'Counts authenticator seeds, security-question answers, pending contact codes and queued messages (sealed:',
    '`unlatch keys rotate` re-seals them under the newest key), unused backup codes (HMACs: they cannot be',
    're-sealed, so their key stays until people regenerate them) and live codes (they run out within minutes).',
    'Exits 0, or 1 when records name a key that is no longer in the ring.',
  ].join('\n'),
  options: {},
  async run({ io, config }) {
    const cfg = config();
    const ringIds = resolveMasterKeys(cfg).map((k) => k.id);
    const counts = await withDatabase(cfg, { migrate: false }, async (handle) => {
      try {
        return await countKeyUsage(handle.db, handle.dialect, new Date());
      } catch (error) {
        if (/no such table|does not exist/i.test((error as Error).message)) throw new CliFailure('this database has no tables yet (run: unlatch migrate)');
        throw error;
      }
    });
    const report = keyReport(counts, ringIds);
    io.stdout.write(report.lines.map((l) => `${l}\n`).join(''));
    return report.missingKeys ? 1 : 0;
  },
};
