import type { Kysely } from 'kysely';
import { directoriesOf } from '../../config/directories-schema.js';
import { policyFor } from '../../config/policy-schema.js';
import { redactConfig } from '../../config/redact-config.js';
import type { UnlatchConfig } from '../../config/schema.js';
import type { ChannelHealth, DirectoryHealth, KeyRingStatus, SystemStatusSource } from '../../core/admin/system-status.js';
import type { Clock } from '../../core/ports/clock.js';
import { builtinCheckFailure, checkBuiltinUsers } from '../directory/builtin-check.js';
import { checkDirectoryEntry, describeDirectoryEntry } from '../directory/check-entry.js';
import { missing } from '../directory/check-item.js';
import type { DialectName } from '../store/database.js';
import { countKeyUsage } from '../store/key-usage.js';
import { outboxHealth } from '../store/outbox-health.js';
import { hookHealth } from '../store/hook-health.js';
import type { Database } from '../store/schema.js';

export interface SystemSourceDeps {
  config: UnlatchConfig;
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  /** The key ring's ids, newest first. */
  ringIds: readonly string[];
  /** The installed version. */
  version: () => string;
}

/** The System area's data from the running app: config, its database, and the directory checks of `directory check`. */
export function systemSourceOf(deps: SystemSourceDeps): SystemStatusSource {
  const tenantOf = (tenantId: string) => deps.config.tenants.find((t) => t.id === tenantId);
  const entriesOf = (tenantId: string) => {
    const tenant = tenantOf(tenantId);
    return tenant ? directoriesOf(tenant) : [];
  };
  const builtinWhere = deps.dialect === 'sqlite' ? "Unlatch's SQLite database" : "Unlatch's PostgreSQL database";
  return {
    directories(tenantId): DirectoryHealth[] {
      return entriesOf(tenantId).map((entry) => ({ name: entry.name, type: entry.type, description: describeDirectoryEntry(entry) }));
    },
    async checkDirectories(tenantId, user): Promise<DirectoryHealth[]> {
      const builtin = async (id: string, who: string | undefined) => {
        try {
          return await checkBuiltinUsers(deps.db, builtinWhere, id, who);
        } catch (error) {
          return builtinCheckFailure(builtinWhere, oneLine(error));
        }
      };
      const results: DirectoryHealth[] = [];
      for (const entry of entriesOf(tenantId)) {
        let items;
        try {
          items = await checkDirectoryEntry(entry, tenantId, user, { builtin, excludedGroups: policyFor(deps.config.policy, tenantId).excludedGroups });
        } catch (error) {
          // A refused option (a ConfigError) or an adapter's surprise: one ✗ line, never a 500.
          items = [missing('configuration', oneLine(error))];
        }
        results.push({ name: entry.name, type: entry.type, description: describeDirectoryEntry(entry), items });
      }
      return results;
    },
    channels(tenantId): Promise<ChannelHealth[]> {
      return outboxHealth(deps.db, tenantId);
    },
    hooks(tenantId) {
      return hookHealth(deps.db, tenantId, deps.config.hooks.filter((hook) => !hook.tenants || hook.tenants.includes(tenantId)));
    },
    async keys(): Promise<KeyRingStatus> {
      return { ringIds: [...deps.ringIds], counts: await countKeyUsage(deps.db, deps.dialect, deps.clock.now()) };
    },
    version: deps.version,
    configFor(tenantId) {
      const redacted = redactConfig(deps.config);
      // Other tenants' settings are theirs: an operator sees only the tenant in the path.
      if (Array.isArray(redacted.tenants)) redacted.tenants = redacted.tenants.filter((t: { id?: unknown }) => t.id === tenantId);
      const policy = redacted.policy as { tenants?: Record<string, unknown> } | undefined;
      if (policy?.tenants) policy.tenants = onlyTenant(policy.tenants, tenantId);
      const limits = (redacted.sms as { limits?: { tenantBudgets?: Record<string, unknown> } } | undefined)?.limits;
      if (limits?.tenantBudgets) limits.tenantBudgets = onlyTenant(limits.tenantBudgets, tenantId);
      // A hook kept to other tenants is theirs too.
      if (Array.isArray(redacted.hooks)) redacted.hooks = redacted.hooks.filter((h: { tenants?: unknown }) => !Array.isArray(h.tenants) || h.tenants.includes(tenantId));
      return redacted;
    },
  };
}

function onlyTenant(byTenant: Record<string, unknown>, tenantId: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(byTenant).filter(([id]) => id === tenantId));
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
