import type { HookRoute } from '../../core/hooks/hook-events.js';
import type { Sealer } from '../../core/crypto/sealer.js';
import type { AuditExport } from '../store/audit-appender.js';

/**
 * The store's export with the hooks added: their rows are queued in the audit entry's transaction, like the
 * audit sinks' rows. Without hooks the export is unchanged (null when there is no sink: no work per entry).
 */
export function exportWithHooks(base: AuditExport | null, hooks: readonly HookRoute[], sealer: Sealer): AuditExport | null {
  if (hooks.length === 0) return base;
  return { ...(base ?? { sealer, sinks: [] }), hooks };
}
