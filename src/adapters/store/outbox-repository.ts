import type { Kysely, Transaction } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import { newId } from '../../core/crypto/secrets.js';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { Clock } from '../../core/ports/clock.js';
import { SqlAuditAppender, type AuditExport } from './audit-appender.js';
import type { NoticeTemplate, OutboxChannel, OutboxMessageInput, OutboxWriter } from '../../core/ports/outbox.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/** Writes outbox rows inside the caller's transaction; the payload (it may hold a code) is sealed. */
export class SqlOutboxWriter implements OutboxWriter {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
  ) {}

  async enqueue(message: OutboxMessageInput): Promise<void> {
    const now = this.clock.now().getTime();
    await this.trx
      .insertInto('outbox')
      .values({
        id: newId(),
        idempotency_key: message.idempotencyKey,
        channel: message.channel,
        template: message.template,
        tenant_id: message.tenantId,
        flow_id: message.flowId ?? null,
        subject_id: message.subjectId ?? null,
        payload: this.sealer.seal(JSON.stringify({ to: message.to, data: message.data, decoy: message.decoy === true })),
        status: 'pending',
        attempts: 0,
        next_attempt_at: now,
        claimed_until: null,
        claimed_by: null,
        last_error: null,
        created_at: now,
        sent_at: null,
      })
      // At-least-once callers may enqueue the same message twice; the first one stands.
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }
}

/** A claimed message, opened for delivery. */
export interface ClaimedMessage {
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

/** The worker's side of the outbox: claim due rows, record the outcome. */
export class SqlOutboxQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly auditExport: AuditExport | null = null,
  ) {}

  /**
   * Claims up to `limit` due messages for `claimMs`. PostgreSQL skips rows other nodes hold
   * (FOR UPDATE SKIP LOCKED); SQLite has one writer. A crashed worker's claim simply runs out.
   */
  async claim(workerId: string, limit: number, claimMs: number): Promise<ClaimedMessage[]> {
    const now = this.clock.now().getTime();
    const rows = await this.db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('outbox')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('next_attempt_at')
        .limit(limit);
      if (this.dialect === 'postgres') due = due.forUpdate().skipLocked();
      const ids = (await due.execute()).map((r) => r.id);
      if (ids.length === 0) return [];
      return trx
        .updateTable('outbox')
        .set({ claimed_until: now + claimMs, claimed_by: workerId })
        .where('id', 'in', ids)
        .returningAll()
        .execute();
    });
    return rows.flatMap((row) => {
      try {
        const payload = JSON.parse(this.sealer.open(row.payload ?? '')) as { to: string; data: Record<string, string | number | null>; decoy?: boolean };
        return [{
          id: row.id,
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
        // A payload sealed under a key no longer in the ring cannot be sent; it is marked dead by the caller's next pass.
        void this.markDead(row.id, 'unreadable_payload');
        return [];
      }
    });
  }

  /** Records delivery and its audit entry together (an exported audit entry gets none: no echo). */
  async markSent(id: string, audit: AuditEntryInput | null): Promise<void> {
    const now = this.clock.now().getTime();
    await this.db.transaction().execute(async (trx) => {
      // The payload is erased once delivered: codes do not linger at rest.
      await trx.updateTable('outbox').set({ status: 'sent', sent_at: now, payload: null, claimed_until: null, last_error: null }).where('id', '=', id).execute();
      if (audit) await new SqlAuditAppender(trx, this.dialect, this.clock, this.auditExport).append(audit);
    });
  }

  /** Settles a decoy: erased like a sent message, recorded as dropped, with no audit entry (the start has one). */
  async markDropped(id: string): Promise<void> {
    const now = this.clock.now().getTime();
    await this.db.updateTable('outbox').set({ status: 'dropped', sent_at: now, payload: null, claimed_until: null }).where('id', '=', id).execute();
  }

  async markRetry(id: string, attempts: number, nextAttemptAt: number, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ attempts, next_attempt_at: nextAttemptAt, claimed_until: null, claimed_by: null, last_error: error.slice(0, 256) })
      .where('id', '=', id)
      .execute();
  }

  /** Gives up on a message (permanent failure or attempts used up), with an audit entry when there is one. */
  async markDead(id: string, error: string, audit?: AuditEntryInput): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('outbox')
        .set({ status: 'dead', payload: null, claimed_until: null, last_error: error.slice(0, 256) })
        .where('id', '=', id)
        .execute();
      if (audit) await new SqlAuditAppender(trx, this.dialect, this.clock, this.auditExport).append(audit);
    });
  }

  /** Messages waiting to go out (the backlog gauge). */
  async backlog(): Promise<number> {
    const row = await this.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
