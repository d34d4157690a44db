import { policyFor } from '../../config/policy-schema.js';
import { effectivePolicy } from '../../core/policy/effective-policy.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { groupsOption, renderEffectivePolicy, SOURCE_OF_TRUTH } from '../policy-output.js';

export const policyShowCommand: Command = {
  name: 'policy show',
  summary: 'Show the effective method policy of a tenant (or of members of some groups) and where each value comes from.',
  synopsis: '[--tenant T] [--groups a,b] [--json]',
  description: [
    'Each key with its value and its source: a rule (with --groups, the rule that matches them), the tenant',
    '(policy.tenants.<id>), policy.default, or the built-in default. Reads the configuration only: no database,',
    `no directory. ${SOURCE_OF_TRUTH}`,
  ].join('\n'),
  options: {
    tenant: { type: 'string', value: 'T', description: 'the tenant (default: the default tenant)' },
    groups: { type: 'string', value: 'a,b', description: 'comma-separated group names: the policy for a member of exactly these groups ("" for none)' },
    json: { type: 'boolean', description: 'print JSON instead of a table' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenantId = tenantOption(cfg, values);
    const given = stringOption(values, 'groups');
    const groups = given === undefined ? undefined : groupsOption(given);
    const result = effectivePolicy({ tenantId, layers: cfg.policy, policy: policyFor(cfg.policy, tenantId), groups });
    io.stdout.write(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : renderEffectivePolicy(result));
    return 0;
  },
};
