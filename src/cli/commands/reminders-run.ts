import type { TenantReminderResult } from '../../core/reminders/reminder-job.js';
import { isUnlatchError } from '../../core/errors.js';
import { stringOption, type Command } from '../command.js';
import { oneLine, UsageError } from '../errors.js';

export const remindersRunCommand: Command = {
  name: 'reminders run',
  summary: 'Queue the enrolment and password expiry reminders that are due now (for cron).',
  synopsis: '[--tenant T] [--json]',
  description: [
    'Lists the people of each tenant page by page and queues, through the outbox, every reminder that is due',
    '(enrolment.reminders, reminders.expiry). Each reminder is recorded once per person and round, so running this',
    'again, from cron on several hosts, or beside the in-process job, sends nothing twice. The outbox worker (in the',
    'server, or `unlatch worker`) delivers them. Progress goes to stderr; counts per tenant to stdout.',
    'Exit code 0 when every tenant ran, 1 when a tenant failed (its directory unreachable: the others still ran), 2 for usage.',
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'only this tenant (default: every tenant)' },
    json: { type: 'boolean', description: 'print the counts as JSON' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const only = stringOption(values, 'tenant')?.trim();
    if (only !== undefined && !cfg.tenants.some((t) => t.id === only)) {
      throw new UsageError(`unknown tenant ${JSON.stringify(only)} (configured: ${cfg.tenants.map((t) => t.id).join(', ')})`);
    }
    const tenantIds = only !== undefined ? [only] : cfg.tenants.map((t) => t.id);
    const { buildApp } = await import('../../app.js');
    // Not the in-process worker or rounds: this run queues, the worker delivers.
    const app = await buildApp({ config: { ...cfg, reminders: { ...cfg.reminders, inProcess: false } }, startWorker: false });
    const results: TenantReminderResult[] = [];
    const failures: Array<{ tenantId: string; error: string }> = [];
    try {
      for (const tenantId of tenantIds) {
        try {
          results.push(await app.reminders.job.runTenant(tenantId, (id, people) => io.stderr.write(`${id}: ${people} people checked\n`)));
        } catch (error) {
          failures.push({ tenantId, error: isUnlatchError(error) ? error.code : oneLine(error) });
        }
      }
    } finally {
      await app.close();
    }
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify({ tenants: results, failures }, null, 2)}\n`);
    } else {
      for (const r of results) io.stdout.write(`${describe(r)}\n`);
      for (const f of failures) io.stdout.write(`${f.tenantId}: failed (${f.error}); its reminders wait for the next run\n`);
    }
    return failures.length > 0 ? 1 : 0;
  },
};

function describe(r: TenantReminderResult): string {
  if (r.skipped) return `${r.tenantId}: skipped (${r.skipped})`;
  const parts = [`${r.tenantId}: ${r.people} people`];
  parts.push(r.enrolment.enabled
    ? `enrolment: ${r.enrolment.sent} sent, ${r.enrolment.uncovered} without enough methods, ${r.enrolment.overdue} overdue, ${r.enrolment.noAddress} without an address`
    : 'enrolment: off');
  parts.push(r.expiry.enabled
    ? `expiry: ${r.expiry.sent} sent, ${r.expiry.expiring} expiring soon, ${r.expiry.noAddress} without an address`
    : 'expiry: off');
  return parts.join('; ');
}
