import { missing, ok, skipped, type CheckItem } from '../adapters/directory/directory-check.js';
import { SqlUserRepository } from '../adapters/store/user-repository.js';
import type { UnlatchConfig } from '../config/schema.js';
import { normalizeIdentifier } from '../core/identity/normalize.js';
import { withDatabase } from './database.js';
import { oneLine } from './errors.js';
import { describeDatabaseUrl } from './output.js';

/**
 * `directory check` for the built-in directory: its accounts are rows in Unlatch's own database, so the
 * questions are whether that answers and whether the test person is there. Unlatch may always write its
 * own table.
 */
export async function checkBuiltinDirectory(config: UnlatchConfig, tenantId: string, user: string | undefined): Promise<CheckItem[]> {
  const where = describeDatabaseUrl(config.database.url!);
  try {
    return await withDatabase(config, { migrate: false }, async (handle) => {
      const users = new SqlUserRepository(handle.db);
      const count = (await users.list(tenantId)).length;
      const items = [ok(`database ${where}`, 'answers'), ok('people', `${count} in tenant ${tenantId}`)];
      if (user === undefined) return items;
      const matches = await users.findByIdentifier(tenantId, normalizeIdentifier(user));
      if (matches.length !== 1) {
        items.push(missing(`find ${user}`, matches.length === 0 ? 'no such user in the built-in directory' : 'several users match; Unlatch treats that as no match'));
      } else {
        items.push(ok(`find ${user}`, matches[0]!.passwordHash ? 'found' : 'found, but has no password yet (sign-in cannot work)'));
        items.push(ok('reset password, unlock', "Unlatch writes its own table"));
      }
      return items;
    });
  } catch (error) {
    const text = oneLine(error);
    if (/no such table|does not exist/i.test(text)) return [missing(`database ${where}`, 'has no tables yet (run: unlatch migrate)')];
    return [missing(`database ${where}`, text), skipped('everything else', 'needs the database')];
  }
}
