import { ContactSync, type SyncSummary } from '../../core/enrolment/contact-sync.js';
import { tenantOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { CliFailure } from '../errors.js';
import { printable } from '../output.js';
import { asCliErrors, contactWiring } from './methods-import.js';

export const methodsSyncCommand: Command = {
  name: 'methods sync',
  summary: "Import the private addresses and mobile numbers the directory holds in its mapped contact attributes.",
  synopsis: '[--tenant T] [--dry-run]',
  description: [
    "Reads every person of the tenant's directories page by page and imports the values of the attributes mapped",
    'with contactAttributes (AD otherMailbox, mobile, a custom attribute) exactly as `methods import` does: the same',
    'trust rule (trustImportedContacts), one audit entry per person changed, a notice mail. Values a person already',
    'has are skipped, so a second run changes nothing; values gone from the directory are not removed from people.',
    'Values that are no address or international number are left out and listed. Run it from cron to keep up.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    'dry-run': { type: 'boolean', description: 'say what would change; write nothing' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const dryRun = values['dry-run'] === true;
    return withDatabase(cfg, { migrate: true }, async (handle) => {
      const { store, writer, directory, close } = await contactWiring(cfg, handle);
      let summary: SyncSummary;
      try {
        if (!directory.listPeople) throw new CliFailure('the directories of this tenant cannot list people');
        const sync = new ContactSync({ store, directory, writer });
        summary = await asCliErrors(() => sync.run(tenantId, { dryRun, actor: 'cli', progress: (n) => io.stderr.write(`read ${n} people…\n`) }), dryRun ? 'nothing written' : 'the people before it were imported; run it again to finish');
      } finally {
        await close();
      }
      for (const { subject, value } of summary.skipped) io.stderr.write(`${printable(`skipped for ${JSON.stringify(subject)}: ${JSON.stringify(value)} is no email address or international phone number`)}\n`);
      if (summary.skippedTotal > summary.skipped.length) io.stderr.write(`skipped ${summary.skippedTotal - summary.skipped.length} more values\n`);
      io.stdout.write(`${dryRun ? 'dry run, nothing written: ' : ''}${describe(summary, dryRun)} (tenant ${tenantId}: ${summary.people} people read, ${summary.withContacts} with contact data)\n`);
      return 0;
    });
  },
};

function describe(t: SyncSummary, dryRun: boolean): string {
  if (t.changed === 0) return dryRun ? 'would change nothing' : 'nothing to import';
  const waiting = t.emails + t.phones - t.confirmed;
  return `${dryRun ? 'would add' : 'added'} ${t.emails} address${t.emails === 1 ? '' : 'es'} and ${t.phones} phone number${t.phones === 1 ? '' : 's'} for ${t.changed} ${t.changed === 1 ? 'person' : 'people'} (${t.confirmed} confirmed at once, ${waiting} waiting for the person to confirm)`;
}
