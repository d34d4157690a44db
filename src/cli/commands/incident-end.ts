import { isUnlatchError } from '../../core/errors.js';
import { tenantOption, type Command } from '../command.js';
import { CliFailure } from '../errors.js';
import { withQueueingApp } from '../queueing-app.js';
import { cliActor } from './incident-common.js';

export const incidentEndCommand: Command = {
  name: 'incident end',
  summary: "End an incident's pause or stricter proof now (the must-change marks stay); audited.",
  synopsis: 'ID [--tenant T] [--operator name]',
  description: 'The people of the incident may reset their password by themselves as usual again. A run still going stops at its next batch.',
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    operator: { type: 'string', value: 'name', description: 'the operator named in the audit trail (default: the OS user)' },
  },
  positionals: { min: 1, max: 1, name: 'ID' },
  async run({ io, config, values, positionals }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const by = cliActor(values, io.env);
    return withQueueingApp(cfg, async (app) => {
      const ended = await app.incidents.end(tenantId, positionals[0]!, by).catch((error: unknown) => {
        throw isUnlatchError(error) && error.code === 'not_found' ? new CliFailure('no such incident in this tenant') : error;
      });
      io.stdout.write(`incident ${positionals[0]!} ended: ${ended.holds} pause${ended.holds === 1 ? '' : 's'} and ${ended.overrides} stricter ${ended.overrides === 1 ? 'policy' : 'policies'} lifted\n`);
      return 0;
    });
  },
};
