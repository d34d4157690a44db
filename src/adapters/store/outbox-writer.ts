import type { Transaction } from 'kysely';
import type { Sealer } from '../../core/crypto/sealer.js';
import type { Clock } from '../../core/ports/clock.js';
import type { OutboxMessageInput, OutboxWriter } from '../../core/ports/outbox.js';
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
