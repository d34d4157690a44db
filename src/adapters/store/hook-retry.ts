import type { Kysely } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import { hookKeyPrefix, hookMessagesOf, type HookRoute } from '../../core/hooks/hook-events.js';
import type { Clock } from '../../core/ports/clock.js';
import { SqlAuditAppender, type AuditChainChoice, type AuditExport } from './audit-appender.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

export interface HookRetryDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  sealer: Sealer;
  clock: Clock;
  /** Where the retry's own audit entry is exported (the configured sinks and hooks). */
  auditExport: AuditExport | null;
  auditChains?: AuditChainChoice;
}

/** What a retry did, per hook. */
export interface HookRetryResult {
  hook: string;
  /** Given-up deliveries queued again. */
  requeued: number;
  /** Given-up deliveries left as they are: their audit entry is gone, or the hook no longer hears that event. */
  skipped: number;
}

/**
 * Queues the given-up (`dead`) deliveries of `routes` again, for a fresh round of attempts: after the
 * target's outage or a fixed credential. A dead row's payload was erased, so each is rebuilt from its
 * audit entry (its key names the entry's `seq`), exactly as it was first queued; the retry itself is
 * audited (`admin.action`, `action: hook_retry`, by `actor`) in the same transaction.
 */
export async function retryDeadHooks(deps: HookRetryDeps, routes: readonly HookRoute[], actor: string, tenantId?: string): Promise<HookRetryResult[]> {
  const now = deps.clock.now().getTime();
  return deps.db.transaction().execute(async (trx) => {
    const results: HookRetryResult[] = [];
    const audit = new SqlAuditAppender(trx, deps.dialect, deps.clock, deps.auditExport, deps.auditChains);
    for (const route of routes) {
      const prefix = hookKeyPrefix(route.name);
      let dead = trx.selectFrom('outbox').select(['idempotency_key', 'tenant_id']).where('status', '=', 'dead').where('idempotency_key', '>=', prefix).where('idempotency_key', '<', `${prefix.slice(0, -1)};`);
      if (tenantId !== undefined) dead = dead.where('tenant_id', '=', tenantId);
      const result: HookRetryResult = { hook: route.name, requeued: 0, skipped: 0 };
      const byTenant = new Map<string, number>();
      for (const row of await dead.execute()) {
        const seq = Number(row.idempotency_key.slice(prefix.length));
        const entry = Number.isSafeInteger(seq) ? await trx.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst() : undefined;
        const [message] = entry
          ? hookMessagesOf([route], {
            seq, id: entry.id, at: Number(entry.at), tenantId: entry.tenant_id, event: entry.event, outcome: entry.outcome, actor: entry.actor,
            subjectId: entry.subject_id, flowId: entry.flow_id, details: JSON.parse(entry.details) as Record<string, unknown>,
          })
          : [];
        if (!message || message.idempotencyKey !== row.idempotency_key) {
          result.skipped += 1;
          continue;
        }
        await trx
          .updateTable('outbox')
          .set({
            status: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, claimed_by: null, last_error: null, sent_at: null,
            payload: deps.sealer.seal(JSON.stringify({ to: message.to, data: message.data, decoy: false })),
          })
          .where('idempotency_key', '=', row.idempotency_key)
          .where('status', '=', 'dead')
          .execute();
        result.requeued += 1;
        byTenant.set(row.tenant_id, (byTenant.get(row.tenant_id) ?? 0) + 1);
      }
      for (const [tenant, count] of byTenant) {
        await audit.append({ event: 'admin.action', outcome: 'success', tenantId: tenant, actor, details: { action: 'hook_retry', hook: route.name, preset: route.preset, count } });
      }
      results.push(result);
    }
    return results;
  });
}
