import { progressLine, type IncidentProgress } from '../../core/incident/incident-progress.js';
import { tenantOption, type Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { withQueueingApp } from '../queueing-app.js';

export const incidentStatusCommand: Command = {
  name: 'incident status',
  summary: "An incident's progress, or the tenant's incidents when no id is given.",
  synopsis: '[ID] [--tenant T] [--json]',
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    json: { type: 'boolean', description: 'print JSON' },
  },
  positionals: { min: 0, max: 1, name: '[ID]' },
  async run({ io, config, values, positionals }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    return withQueueingApp(cfg, async (app) => {
      const id = positionals[0];
      const list = id === undefined ? await app.incidents.list(tenantId) : [await app.incidents.status(tenantId, id)];
      if (list[0] === null) throw new CliFailure('no such incident in this tenant');
      const shown = list as IncidentProgress[];
      if (values.json === true) io.stdout.write(`${JSON.stringify(id === undefined ? shown.map(statusJson) : statusJson(shown[0]!), null, 2)}\n`);
      else if (shown.length === 0) io.stdout.write(`no incidents in tenant ${tenantId}\n`);
      else for (const p of shown) io.stdout.write(`${statusText(p)}\n`);
      return 0;
    });
  },
};

function statusText(p: IncidentProgress): string {
  const i = p.incident;
  return `${i.id}  ${i.state.padEnd(8)} ${i.mode.padEnd(6)} ${i.source}  by ${i.createdBy} at ${i.createdAt.toISOString()}, until ${i.expiresAt.toISOString()}: ${progressLine(p)}; ${p.counts.done} done, ${p.counts.failed} failed, ${p.counts.skipped} skipped`;
}

function statusJson(p: IncidentProgress): Record<string, unknown> {
  const i = p.incident;
  return {
    id: i.id, tenant: i.tenantId, state: i.state, mode: i.mode, source: i.source, reason: i.reason, createdBy: i.createdBy, dryRun: i.dryRun,
    createdAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString(), finishedAt: i.finishedAt?.toISOString() ?? null,
    counts: p.counts, ratePerSecond: p.ratePerSecond, etaSeconds: p.etaSeconds,
  };
}
