import { UnlatchError } from '../../core/errors.js';
import { CLI_ACTOR, withAdminTokens } from '../admin-tokens.js';
import type { Command } from '../command.js';
import { CliFailure, UsageError } from '../errors.js';

const TOKEN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const adminTokenRevokeCommand: Command = {
  name: 'admin token revoke',
  summary: 'Revoke an admin API token by its id (see admin token list); it stops working at once.',
  synopsis: '<ID>',
  description: 'The revocation is written to the audit log of each tenant the token named. Exit code 1 when no live token has that id.',
  options: {},
  positionals: { min: 1, max: 1, name: 'the token id' },
  async run({ io, config, positionals }) {
    const id = positionals[0]!.trim();
    // Never echo it: someone may paste the token itself instead of its id.
    if (!TOKEN_ID.test(id) || id.startsWith('unlatch_at_')) throw new UsageError('that is not a token id (admin token list shows them; never pass the token itself)');
    await withAdminTokens(config(), async (admin) => {
      try {
        await admin.revoke(id, CLI_ACTOR);
      } catch (error) {
        if (error instanceof UnlatchError && error.code === 'not_found') throw new CliFailure(`no live token with id ${id} (already revoked, or never existed)`);
        throw error;
      }
    });
    io.stdout.write(`revoked token ${id}\n`);
    return 0;
  },
};
