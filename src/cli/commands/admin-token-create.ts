import { ADMIN_ROLES } from '../../config/admin-schema.js';
import type { AdminRole } from '../../core/admin/operator.js';
import { UnlatchError } from '../../core/errors.js';
import { CLI_ACTOR, parseLifetime, withAdminTokens } from '../admin-tokens.js';
import { listOption, requiredString, stringOption, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { printable } from '../output.js';

export const adminTokenCreateCommand: Command = {
  name: 'admin token create',
  summary: 'Create a bearer token for the admin API (/api/v1/admin): one role on named tenants, with an expiry.',
  synopsis: '--role R --tenant T [--tenant T2] --expires 30d [--name N]',
  description: [
    'Prints the token once, alone on standard output (e.g. TOKEN=$(unlatch admin token create …)); what it is',
    'and its id go to standard error. Only a SHA-256 of the token is stored: it cannot be shown again. Use it as',
    '`Authorization: Bearer <token>`. The creation is written to the audit log of each tenant named.',
  ].join('\n'),
  options: {
    role: { type: 'string', value: 'R', description: `the token's role: ${ADMIN_ROLES.join(', ')}` },
    tenant: { type: 'string', value: 'T', multiple: true, description: 'a tenant the token may read (repeat for several)' },
    expires: { type: 'string', value: 'AGE', description: 'lifetime: a number and m, h, d, w or y (e.g. 30d; at most 366d)' },
    name: { type: 'string', value: 'N', description: 'what the token is for, shown in lists and audit entries (e.g. "SIEM pull")' },
  },
  async run({ io, config, values }) {
    const role = requiredString(values, 'role');
    if (!(ADMIN_ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ADMIN_ROLES.join(', ')}`);
    const tenants = listOption(values, 'tenant').map((t) => t.trim());
    if (tenants.length === 0 || tenants.some((t) => t === '')) throw new UsageError('--tenant is required (repeat it for several tenants)');
    const ttlSeconds = parseLifetime(requiredString(values, 'expires'));
    const cfg = config();
    const unknown = tenants.find((t) => !cfg.tenants.some((c) => c.id === t));
    if (unknown !== undefined) throw new UsageError(`unknown tenant ${JSON.stringify(unknown)} (configured: ${cfg.tenants.map((t) => t.id).join(', ')})`);
    const name = stringOption(values, 'name') ?? '';
    const created = await withAdminTokens(cfg, async (admin) => {
      try {
        return await admin.create({ role: role as AdminRole, tenants, ttlSeconds, name, createdBy: CLI_ACTOR });
      } catch (error) {
        if (error instanceof UnlatchError && error.code === 'invalid_request' && error.details.field === 'expires') throw new UsageError('--expires must be between 1 minute and 366 days');
        throw error;
      }
    });
    const { record } = created;
    io.stderr.write(printable(`created token ${record.id} "${record.name}": role ${record.role} on ${record.tenants.join(', ')}, expires ${record.expiresAt.toISOString()}`) + '\n');
    io.stderr.write('this is the only time the token is shown; store it now:\n');
    io.stdout.write(`${created.token}\n`);
    return 0;
  },
};
