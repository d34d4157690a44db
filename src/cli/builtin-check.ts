import { builtinCheckFailure, checkBuiltinUsers } from '../adapters/directory/builtin-check.js';
import type { CheckItem } from '../adapters/directory/check-item.js';
import type { UnlatchConfig } from '../config/schema.js';
import { withDatabase } from './database.js';
import { oneLine } from './errors.js';
import { describeDatabaseUrl } from './output.js';

/**
 * `directory check` for the built-in directory, on a database connection of its own (the checks themselves
 * are shared with the console: `adapters/directory/builtin-check.ts`).
 */
export async function checkBuiltinDirectory(config: UnlatchConfig, tenantId: string, user: string | undefined): Promise<CheckItem[]> {
  const where = describeDatabaseUrl(config.database.url!);
  try {
    return await withDatabase(config, { migrate: false }, (handle) => checkBuiltinUsers(handle.db, where, tenantId, user));
  } catch (error) {
    return builtinCheckFailure(where, oneLine(error));
  }
}
