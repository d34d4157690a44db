import { SqlAdminTokenRepository } from '../adapters/store/admin-token-repository.js';
import { SqlStore } from '../adapters/store/sql-store.js';
import { resolveMasterKeys } from '../config/key-material.js';
import type { UnlatchConfig } from '../config/schema.js';
import { AdminTokens } from '../core/admin/admin-tokens.js';
import { KeyRing } from '../core/crypto/key-ring.js';
import { Sealer } from '../core/crypto/sealer.js';
import { systemClock } from '../core/ports/clock.js';
import { withDatabase } from './database.js';
import { UsageError } from './errors.js';
import { auditExportOf } from '../adapters/audit/build-audit-sinks.js';
import { configuredAuditSinks } from '../config/audit-sinks-schema.js';

/** Who `unlatch admin token …` is, in audit entries (`created_by`, the actor). */
export const CLI_ACTOR = 'cli';

/**
 * Runs `work` with the admin API tokens of the configured database (migrated first, as `serve` would), audit
 * entries written like the server writes them (exported too to the configured `audit.sinks`).
 */
export async function withAdminTokens<T>(config: UnlatchConfig, work: (tokens: AdminTokens) => Promise<T>): Promise<T> {
  const keys = new KeyRing(resolveMasterKeys(config));
  return withDatabase(config, { migrate: true }, async (handle) => {
    const sealer = new Sealer(keys, 'outbox-seal');
    const store = new SqlStore(handle, sealer, systemClock, auditExportOf(configuredAuditSinks(config.audit), sealer), { chains: config.audit.chains });
    const tokens = new AdminTokens({ store, tokens: new SqlAdminTokenRepository(handle.db), clock: systemClock, tenantIds: () => config.tenants.map((t) => t.id) });
    return work(tokens);
  });
}

const UNIT_SECONDS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 7 * 86_400, y: 365 * 86_400 };

/** `30d`, `12h`, `90m`, `2w`, `1y` as seconds; anything else is a usage error (tokens always expire). */
export function parseLifetime(text: string): number {
  const match = /^(\d{1,6})([mhdwy])$/.exec(text.trim());
  if (!match) throw new UsageError('--expires takes a number and a unit: m, h, d, w or y (e.g. 30d)');
  return Number(match[1]) * UNIT_SECONDS[match[2]!]!;
}
