import type { Kysely } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import { SqlAuditAppender, type AuditChainChoice, type AuditExport } from './audit-appender.js';
import type { NoticeTemplate, OutboxChannel } from '../../core/ports/outbox.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/** A claimed message, opened for delivery. */
export interface ClaimedMessage {
  /** The idempotency key, which is also the row's key. */
  id: string;
  idempotencyKey: string;
  channel: OutboxChannel;
  template: NoticeTemplate;
  tenantId: string;
  flowId: string | null;
  subjectId: string | null;
  attempts: number;
  to: string;
  data: Record<string, string | number | null>;
  /** Rendered and dropped, never sent (see OutboxMessageInput.decoy). */
  decoy: boolean;
}

/** What happened to one claimed message in a delivery pass. */
export type Settlement =
  | { id: string; kind: 'sent'; audit: AuditEntryInput | null }
  | { id: string; kind: 'dropped'; audit?: undefined }
  | { id: string; kind: 'retry'; attempts: number; nextAttemptAt: number; reason: string; audit?: undefined }
  | { id: string; kind: 'dead'; reason: string; audit: AuditEntryInput | null };

/** The worker's side of the outbox: claim due rows, record the outcome. */
export class SqlOutboxQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly auditExport: AuditExport | null = null,
    /** The chains the outcomes' audit entries go to (`audit.chains`). */
    private readonly auditChains: AuditChainChoice = {},
  ) {}

  /**
   * Claims up to `limit` due messages for `claimMs`. PostgreSQL skips rows other nodes hold
   * (FOR UPDATE SKIP LOCKED); SQLite has one writer. The worker renews a short claim while it works
   * (`renewClaims`), so a crashed worker's claim runs out within `claimMs` and another node takes the rows.
   */
  async claim(workerId: string, limit: number, claimMs: number): Promise<ClaimedMessage[]> {
    const now = this.clock.now().getTime();
    const rows = await this.db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('outbox')
        .select('idempotency_key')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.idempotency_key);
      if (ids.length === 0) return [];
      return trx
        .updateTable('outbox')
        .set({ claimed_until: now + claimMs, claimed_by: workerId })
        .where('idempotency_key', 'in', ids)
        .returningAll()
        .execute();
    });
    const unreadable: string[] = [];
    const claimed = rows.flatMap((row) => {
      try {
        const payload = JSON.parse(this.sealer.open(row.payload ?? '')) as { to: string; data: Record<string, string | number | null>; decoy?: boolean };
        return [{
          id: row.idempotency_key,
          idempotencyKey: row.idempotency_key,
          channel: row.channel as OutboxChannel,
          template: row.template as NoticeTemplate,
          tenantId: row.tenant_id,
          flowId: row.flow_id,
          subjectId: row.subject_id,
          attempts: Number(row.attempts),
          to: payload.to,
          data: payload.data,
          decoy: payload.decoy === true,
        }];
      } catch {
        unreadable.push(row.idempotency_key);
        return [];
      }
    });
    // A payload sealed under a key no longer in the ring cannot be sent: give it up at once.
    await this.settle(unreadable.map((id) => ({ id, kind: 'dead', reason: 'unreadable_payload', audit: null })));
    return claimed;
  }

  /**
   * Records outcomes in one transaction (the worker settles each message as soon as it is known).
   * Sent, dropped and dead messages have their payload erased (codes do not linger at rest); audit
   * entries of the outcomes are appended in the same transaction. Only a row still pending changes, and
   * only then is its audit entry written: a settlement retried, or one of a node whose claim was taken
   * over and already settled, is not recorded (nor audited) twice.
   */
  async settle(outcomes: readonly Settlement[]): Promise<void> {
    if (outcomes.length === 0) return;
    const now = this.clock.now().getTime();
    await this.db.transaction().execute(async (trx) => {
      const audit = new SqlAuditAppender(trx, this.dialect, this.clock, this.auditExport, this.auditChains);
      for (const outcome of outcomes) {
        const row = trx.updateTable('outbox').where('idempotency_key', '=', outcome.id).where('status', '=', 'pending');
        let update;
        switch (outcome.kind) {
          case 'sent':
            update = row.set({ status: 'sent', sent_at: now, payload: null, claimed_until: null, last_error: null });
            break;
          case 'dropped':
            update = row.set({ status: 'dropped', sent_at: now, payload: null, claimed_until: null });
            break;
          case 'retry':
            update = row.set({ attempts: outcome.attempts, next_attempt_at: outcome.nextAttemptAt, claimed_until: null, claimed_by: null, last_error: outcome.reason.slice(0, 256) });
            break;
          case 'dead':
            update = row.set({ status: 'dead', payload: null, claimed_until: null, last_error: outcome.reason.slice(0, 256) });
            break;
        }
        const changed = Number((await update.executeTakeFirst()).numUpdatedRows) > 0;
        if (changed && outcome.audit) await audit.append(outcome.audit);
      }
    });
  }

  /**
   * The heartbeat of a delivery pass: pushes `claimed_until` of the rows `workerId` still holds to
   * `now + claimMs`. Returns the keys it still holds; a row missing from the answer was settled or
   * taken over by another node after this worker's claim ran out.
   */
  async renewClaims(workerId: string, ids: readonly string[], claimMs: number): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .updateTable('outbox')
      .set({ claimed_until: this.clock.now().getTime() + claimMs })
      .where('idempotency_key', 'in', ids)
      .where('claimed_by', '=', workerId)
      .where('status', '=', 'pending')
      .returning('idempotency_key')
      .execute();
    return rows.map((r) => r.idempotency_key);
  }

  /** Gives back claimed rows this worker has not started (it is stopping): another node may take them at once. */
  async releaseClaims(workerId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.db
      .updateTable('outbox')
      .set({ claimed_until: null, claimed_by: null })
      .where('idempotency_key', 'in', ids)
      .where('claimed_by', '=', workerId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /** Messages waiting to go out (the backlog gauge). */
  async backlog(): Promise<number> {
    const row = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
