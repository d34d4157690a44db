import { migrateToLatest } from '../../adapters/store/migrate.js';
import type { Command } from '../command.js';
import { withDatabase } from '../database.js';
import { describeDatabaseUrl } from '../output.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'Apply pending database migrations to the configured database.',
  synopsis: '',
  description: '`serve` does this at start too; run it on its own before rolling out a new version to several nodes.',
  options: {},
  async run({ io, config }) {
    const cfg = config();
    const applied = await withDatabase(cfg, { migrate: false }, (handle) => migrateToLatest(handle.db));
    const where = describeDatabaseUrl(cfg.database.url!);
    if (applied.length === 0) {
      io.stdout.write(`${where}: already up to date\n`);
    } else {
      for (const name of applied) io.stdout.write(`applied ${name}\n`);
      io.stdout.write(`${where}: ${applied.length} migration${applied.length === 1 ? '' : 's'} applied\n`);
    }
    return 0;
  },
};
