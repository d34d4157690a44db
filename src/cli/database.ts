import { sql } from 'kysely';
import type { UnlatchConfig } from '../config/schema.js';
import { openDatabase, type DatabaseHandle } from '../adapters/store/database.js';
import { migrateToLatest } from '../adapters/store/migrate.js';
import { CliFailure, isConnectionError, oneLine } from './errors.js';
import { describeDatabaseUrl } from './output.js';

/**
 * Opens the configured database and proves it answers, so "cannot reach it" is one clear line rather
 * than an error from the middle of a command. With `migrate`, pending migrations run first (as `serve`
 * does), so the user commands work on a fresh database.
 */
export async function connectDatabase(config: UnlatchConfig, options: { migrate: boolean }): Promise<DatabaseHandle> {
  const url = config.database.url!;
  const unreachable = (error: unknown) => new CliFailure(`database unreachable (${describeDatabaseUrl(url)}): ${oneLine(error)}`);
  let handle: DatabaseHandle;
  try {
    handle = openDatabase(url, { poolSize: Math.min(config.database.poolSize, 2) });
  } catch (error) {
    throw unreachable(error);
  }
  try {
    await sql`select 1`.execute(handle.db);
    if (options.migrate) await migrateToLatest(handle.db);
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw isConnectionError(error) ? unreachable(error) : error;
  }
}

/** Runs `work` with an open database and always closes it. */
export async function withDatabase<T>(config: UnlatchConfig, options: { migrate: boolean }, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  const handle = await connectDatabase(config, options);
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}
