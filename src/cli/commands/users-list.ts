import { SqlUserRepository } from '../../adapters/store/user-repository.js';
import { stringOption, tenantOption, type Command } from '../command.js';
import { withDatabase } from '../database.js';
import { renderTable } from '../output.js';

export const usersListCommand: Command = {
  name: 'users list',
  summary: 'List the users of the built-in user store (never their password hashes).',
  synopsis: '[--tenant T] [--json]',
  options: {
    tenant: { type: 'string', value: 'T', description: 'only this tenant (default: all tenants)' },
    json: { type: 'boolean', description: 'print a JSON array instead of a table' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const tenant = stringOption(values, 'tenant') === undefined ? undefined : tenantOption(cfg, values);
    const users = await withDatabase(cfg, { migrate: true }, (handle) => new SqlUserRepository(handle.db).list(tenant));
    // An explicit allow-list of fields: the stored hash never reaches the output, whatever StoredUser grows.
    const shown = users.map((u) => ({
      tenant: u.tenantId,
      username: u.username,
      email: u.email,
      phone: u.phone,
      displayName: u.displayName,
      groups: u.groups,
      enabled: u.enabled,
      locked: u.locked,
      hasPassword: u.passwordHash !== null,
      createdAt: u.createdAt.toISOString(),
    }));
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      return 0;
    }
    if (shown.length === 0) {
      io.stdout.write(tenant ? `no users in tenant ${tenant}\n` : 'no users\n');
      return 0;
    }
    const yesNo = (value: boolean) => (value ? 'yes' : 'no');
    const table = renderTable(
      ['TENANT', 'USERNAME', 'EMAIL', 'DISPLAY NAME', 'GROUPS', 'ENABLED', 'LOCKED'],
      shown.map((u) => [u.tenant, u.username, u.email ?? '-', u.displayName ?? '-', u.groups.join(',') || '-', yesNo(u.enabled), yesNo(u.locked)]),
    );
    io.stdout.write(`${table}\n${shown.length} user${shown.length === 1 ? '' : 's'}\n`);
    return 0;
  },
};
