import type { AdminTokenRecord } from '../../core/ports/admin-sessions.js';
import { withAdminTokens } from '../admin-tokens.js';
import type { Command } from '../command.js';
import { renderTable } from '../output.js';

/** `active`, `expired` or `revoked` at `now`. */
function stateOf(token: AdminTokenRecord, now: Date): string {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
}

export const adminTokenListCommand: Command = {
  name: 'admin token list',
  summary: 'List the admin API tokens: id, name, role, tenants, dates and state (never the token itself).',
  synopsis: '[--json]',
  options: {
    json: { type: 'boolean', description: 'print a JSON array instead of a table' },
  },
  async run({ io, config, values }) {
    const tokens = await withAdminTokens(config(), (admin) => admin.list());
    const now = new Date();
    const rows = tokens.map((t) => ({
      id: t.id, name: t.name, role: t.role, tenants: t.tenants, state: stateOf(t, now), createdBy: t.createdBy,
      createdAt: t.createdAt.toISOString(), expiresAt: t.expiresAt.toISOString(),
      lastUsedAt: t.lastUsedAt?.toISOString() ?? null, revokedAt: t.revokedAt?.toISOString() ?? null,
    }));
    if (values.json === true) {
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      io.stdout.write('no tokens\n');
      return 0;
    }
    const table = renderTable(
      ['ID', 'NAME', 'ROLE', 'TENANTS', 'STATE', 'EXPIRES', 'LAST USED'],
      rows.map((r) => [r.id, r.name, r.role, r.tenants.join(','), r.state, r.expiresAt, r.lastUsedAt ?? 'never']),
    );
    io.stdout.write(`${table}\n${rows.length} token${rows.length === 1 ? '' : 's'}\n`);
    return 0;
  },
};
