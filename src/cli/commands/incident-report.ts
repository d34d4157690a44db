import { reportCsvHeader, reportCsvLine, reportJson } from '../../core/incident/incident-report.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { CliFailure, UsageError } from '../errors.js';
import { withQueueingApp } from '../queueing-app.js';

export const incidentReportCommand: Command = {
  name: 'incident report',
  summary: "An incident's report: every person with done, failed (and why) or skipped (and why), as CSV or JSON.",
  synopsis: 'ID [--tenant T] [--format csv|json]',
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    format: { type: 'string', value: 'csv|json', description: 'output format (default: csv)' },
  },
  positionals: { min: 1, max: 1, name: 'ID' },
  async run({ io, config, values, positionals }) {
    const format = stringOption(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json') throw new UsageError('--format must be csv or json');
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    return withQueueingApp(cfg, async (app) => {
      const status = await app.incidents.status(tenantId, positionals[0]!);
      if (!status) throw new CliFailure('no such incident in this tenant');
      if (format === 'csv') {
        io.stdout.write(reportCsvHeader());
        for await (const row of app.incidents.rows(status.incident.id)) io.stdout.write(reportCsvLine(row));
      } else {
        const people = [];
        for await (const row of app.incidents.rows(status.incident.id)) people.push(reportJson(row));
        const i = status.incident;
        io.stdout.write(`${JSON.stringify({ incident: { id: i.id, tenant: i.tenantId, state: i.state, mode: i.mode, source: i.source, dryRun: i.dryRun, createdBy: i.createdBy }, counts: status.counts, people }, null, 2)}\n`);
      }
      return 0;
    });
  },
};
